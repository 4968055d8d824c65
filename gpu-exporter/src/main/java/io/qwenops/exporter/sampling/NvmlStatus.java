package io.qwenops.exporter.sampling;

/**
 * Whether NVML could be loaded and initialised, and if not, why (in words a cluster operator can
 * act on).
 *
 * @param library the library name or path that was loaded (or tried)
 */
public record NvmlStatus(
    boolean available, String library, String driverVersion, String nvmlVersion, String reason) {

  public static NvmlStatus unavailable(String library, String reason) {
    return new NvmlStatus(false, library, null, null, reason);
  }
}
