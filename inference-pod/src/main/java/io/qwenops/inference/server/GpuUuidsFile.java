package io.qwenops.inference.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Tells the gpu-exporter sidecar which GPUs this pod uses: the UUIDs in {@code
 * NVIDIA_VISIBLE_DEVICES} (set by the NVIDIA device plugin), one per line, written to the file
 * named by {@code QWENOPS_GPU_UUIDS_FILE} once the model is on a GPU. Index-style values ("0,1",
 * "all") carry no UUIDs and write nothing.
 */
public final class GpuUuidsFile {

  public static final String FILE_ENV = "QWENOPS_GPU_UUIDS_FILE";
  public static final String DEVICES_ENV = "NVIDIA_VISIBLE_DEVICES";

  private GpuUuidsFile() {}

  /** Returns the UUIDs written (empty when nothing was written). */
  public static List<String> write(Map<String, String> env) throws IOException {
    String file = env.get(FILE_ENV);
    String devices = env.get(DEVICES_ENV);
    if (file == null || file.isBlank() || devices == null) {
      return List.of();
    }
    List<String> uuids =
        Arrays.stream(devices.split(","))
            .map(String::trim)
            .filter(d -> d.startsWith("GPU-") || d.startsWith("MIG-"))
            .toList();
    if (uuids.isEmpty()) {
      return List.of();
    }
    Path path = Path.of(file);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, String.join("\n", uuids) + "\n", StandardCharsets.UTF_8);
    // Atomic rename: the sidecar never reads a half-written file.
    Files.move(
        tmp,
        path,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return uuids;
  }
}
