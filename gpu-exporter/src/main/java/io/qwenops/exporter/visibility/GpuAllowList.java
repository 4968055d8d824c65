package io.qwenops.exporter.visibility;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The GPU UUIDs this sidecar may show: those in {@code QWENOPS_GPU_UUIDS} plus those the inference
 * container writes to the UUID file in the shared emptyDir. The file is re-read when its
 * modification time or size changes, so the inference container may write it after the sidecar
 * started.
 */
public final class GpuAllowList {

  private static final Logger LOG = Logger.getLogger(GpuAllowList.class.getName());

  private final GpuFilterMode mode;
  private final List<String> inlineUuids;
  private final Path file;
  private final boolean inPod;

  private Object fileStamp = "unread";
  private List<String> fileUuids = List.of();
  private String fileProblem;

  public GpuAllowList(GpuFilterMode mode, String inlineUuids, Path file, boolean inPod) {
    this.mode = mode;
    this.inlineUuids = GpuUuidList.parse(inlineUuids);
    this.file = file;
    this.inPod = inPod;
    refresh();
  }

  /** Re-reads the file when it changed; true when the allowed set changed. */
  public synchronized boolean refresh() {
    if (file == null) {
      return false;
    }
    Object stamp;
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      stamp = attributes.lastModifiedTime().toMillis() + ":" + attributes.size();
    } catch (NoSuchFileException missing) {
      stamp = "missing";
    } catch (IOException e) {
      stamp = "unreadable:" + e.getMessage();
    }
    if (Objects.equals(stamp, fileStamp)) {
      return false;
    }
    fileStamp = stamp;
    List<String> before = fileUuids;
    if ("missing".equals(stamp)) {
      fileUuids = List.of();
      fileProblem = null;
    } else {
      try {
        fileUuids = GpuUuidList.parse(Files.readString(file, StandardCharsets.UTF_8));
        fileProblem = null;
        LOG.info("GPU UUIDs from " + file + ": " + fileUuids);
      } catch (IOException e) {
        fileUuids = List.of();
        fileProblem = "cannot read " + file + ": " + e.getMessage();
        LOG.warning(fileProblem);
      }
    }
    return !before.equals(fileUuids);
  }

  private synchronized boolean fileExists() {
    return file != null && !"missing".equals(fileStamp);
  }

  /** Which of NVML's GPUs (by UUID, in index order) to show, and why none when none. */
  public synchronized GpuSelection select(List<String> nvmlUuids) {
    boolean filtering =
        switch (mode) {
          case off -> false;
          case on -> true;
          case auto -> !inlineUuids.isEmpty() || fileExists() || inPod;
        };
    if (!filtering) {
      String reason =
          nvmlUuids.isEmpty() ? "NVML sees no GPU on this machine" + sidecarHint() : null;
      return new GpuSelection(false, "", List.of(), nvmlUuids, List.of(), reason);
    }
    Set<String> allowed = new LinkedHashSet<>(inlineUuids);
    allowed.addAll(fileUuids);
    List<String> sources = new ArrayList<>();
    if (!inlineUuids.isEmpty()) {
      sources.add("env QWENOPS_GPU_UUIDS");
    }
    if (file != null && !fileUuids.isEmpty()) {
      sources.add("file " + file);
    }
    List<String> visible = new ArrayList<>();
    for (String uuid : nvmlUuids) {
      if (allowed.contains(GpuUuidList.normalise(uuid))) {
        visible.add(uuid);
      }
    }
    Set<String> normalisedNvml = new LinkedHashSet<>();
    nvmlUuids.forEach(u -> normalisedNvml.add(GpuUuidList.normalise(u)));
    List<String> missing = allowed.stream().filter(u -> !normalisedNvml.contains(u)).toList();
    String reason = reason(allowed, nvmlUuids, visible, missing);
    return new GpuSelection(
        true, String.join(" + ", sources), List.copyOf(allowed), visible, missing, reason);
  }

  private String reason(
      Set<String> allowed, List<String> nvmlUuids, List<String> visible, List<String> missing) {
    if (allowed.isEmpty()) {
      String problem = fileProblem != null ? fileProblem + "; " : "";
      return problem
          + "no GPU UUIDs known yet: waiting for the inference container to write "
          + (file == null ? "the UUID file" : file)
          + " (or set QWENOPS_GPU_UUIDS)";
    }
    if (nvmlUuids.isEmpty()) {
      return "NVML sees no GPU, so none of the inference container's GPUs "
          + allowed
          + " can be shown"
          + sidecarHint();
    }
    if (visible.isEmpty()) {
      return "none of the inference container's GPUs "
          + allowed
          + " is among the "
          + nvmlUuids.size()
          + " GPU(s) NVML shows this sidecar"
          + sidecarHint();
    }
    if (!missing.isEmpty()) {
      return "GPU(s) " + missing + " of the inference container are not visible to this sidecar";
    }
    return null;
  }

  private static String sidecarHint() {
    return ": a container that does not request nvidia.com/gpu sees no GPU unless it runs with"
        + " NVIDIA_VISIBLE_DEVICES=all under the nvidia runtime class (runtimeClassName: nvidia)";
  }
}
