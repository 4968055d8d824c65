package io.qwenops.exporter.nvml;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds and initialises NVML. Absence is an answer, not a crash: the result carries a reason a
 * cluster operator can act on.
 */
public final class NvmlLoader {

  /**
   * The driver installs the versioned name; the unversioned one exists only with development
   * packages.
   */
  public static final List<String> DEFAULT_NAMES = List.of("libnvidia-ml.so.1", "libnvidia-ml.so");

  /** Either {@code nvml} is set, or {@code reason} says why not. */
  public record Result(Nvml nvml, String library, String reason) {}

  private NvmlLoader() {}

  /** Loads {@code configured} if not blank, else the default names in order. */
  public static Result load(String configured) {
    List<String> names =
        configured == null || configured.isBlank() ? DEFAULT_NAMES : List.of(configured);
    List<String> failures = new ArrayList<>();
    for (String name : names) {
      try {
        return new Result(JnaNvml.open(name), name, null);
      } catch (UnsatisfiedLinkError e) {
        failures.add(name + ": " + firstLine(e.getMessage()));
      } catch (NvmlException e) {
        return new Result(
            null, name, "NVML did not initialise: " + e.getMessage() + hint(e.code()));
      }
    }
    return new Result(
        null,
        String.join(", ", names),
        "NVML library not found ("
            + String.join("; ", failures)
            + "). The NVIDIA container runtime mounts it only into containers that get GPU"
            + " visibility: run this sidecar with runtimeClassName: nvidia and"
            + " NVIDIA_VISIBLE_DEVICES=all, or set QWENOPS_NVML_LIBRARY");
  }

  private static String hint(int code) {
    return code == NvmlLibrary.ERROR_DRIVER_NOT_LOADED
        ? ". The NVIDIA kernel driver is not loaded on this node"
        : "";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "not loadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
