package io.qwenops.inference.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How much RAM this process could take now without pushing anything out, and where the number came
 * from (for the {@code KV cache:} startup line). Linux's MemAvailable, not MemFree: after a large
 * file was written or read (a checkpoint) the page cache holds most of RAM, MemFree is tiny, but
 * that cache is dropped as soon as memory is asked for. In a container with a memory limit the
 * limit less what the cgroup holds (its inactive file cache not counted, as the kubelet's working
 * set) caps it.
 *
 * @param bytes available bytes; 0 when unknown
 * @param source how it was derived, in words and numbers
 */
public record HostMemory(long bytes, String source) {

  private static final double GIB = 1024.0 * 1024 * 1024;

  /** A cgroup limit at or above this is "no limit" (v1 writes 2^63 rounded down to a page). */
  private static final long NO_LIMIT = 1L << 60;

  /** This machine's (and cgroup's) available memory; falls back to the JVM's free memory. */
  public static HostMemory read() {
    String meminfo = readOrNull(Path.of("/proc/meminfo"));
    Cgroup cgroup = Cgroup.read();
    if (meminfo == null) {
      long free = 0;
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        free = os.getFreeMemorySize(); // itself container-aware
      }
      return new HostMemory(
          Math.max(0, free), "free memory " + gib(free) + " (no /proc/meminfo: the JVM's figure)");
    }
    return of(meminfo, cgroup);
  }

  /** From {@code /proc/meminfo}'s text and the cgroup's memory numbers (null: none). */
  static HostMemory of(String meminfo, Cgroup cgroup) {
    OptionalLong available = field(meminfo, "MemAvailable");
    long bytes;
    String source;
    if (available.isPresent()) {
      bytes = available.getAsLong();
      source = "MemAvailable " + gib(bytes) + " (/proc/meminfo)";
    } else {
      // Kernels before 3.14: the page cache and buffers are reclaimable too, as MemAvailable
      // counts.
      OptionalLong free = field(meminfo, "MemFree");
      if (free.isEmpty()) {
        bytes = 0;
        source = "unknown (/proc/meminfo has neither MemAvailable nor MemFree)";
      } else {
        bytes =
            free.getAsLong()
                + field(meminfo, "Buffers").orElse(0)
                + field(meminfo, "Cached").orElse(0);
        source =
            "MemFree + Buffers + Cached " + gib(bytes) + " (/proc/meminfo has no MemAvailable)";
      }
    }
    if (cgroup != null && cgroup.limit() < NO_LIMIT) {
      long held = Math.max(0, cgroup.usage() - cgroup.inactiveFile());
      long inCgroup = Math.max(0, cgroup.limit() - held);
      if (bytes == 0 || inCgroup < bytes) {
        return new HostMemory(
            inCgroup,
            "cgroup limit "
                + gib(cgroup.limit())
                + " − "
                + gib(held)
                + " in use (its inactive file cache not counted) = "
                + gib(inCgroup)
                + "; host "
                + source);
      }
    }
    return new HostMemory(bytes, source);
  }

  /** A {@code /proc/meminfo} field in bytes (the file says kB, meaning KiB). */
  static OptionalLong field(String meminfo, String name) {
    for (String line : meminfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).trim().equals(name)) {
        continue;
      }
      String[] parts = line.substring(colon + 1).trim().split("\\s+");
      try {
        long value = Long.parseLong(parts[0]);
        boolean kib = parts.length > 1 && parts[1].equalsIgnoreCase("kB");
        return OptionalLong.of(kib ? value * 1024 : value);
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /**
   * A cgroup's memory limit, usage and inactive file cache, in bytes.
   *
   * @param limit {@code memory.max} (v2) or {@code memory.limit_in_bytes} (v1)
   * @param usage {@code memory.current} or {@code memory.usage_in_bytes}
   * @param inactiveFile {@code inactive_file} (v2) or {@code total_inactive_file} (v1) of {@code
   *     memory.stat}; 0 when absent
   */
  record Cgroup(long limit, long usage, long inactiveFile) {

    /** The process's cgroup as mounted in its namespace (v2, then v1); null when neither reads. */
    static Cgroup read() {
      Path v2 = Path.of("/sys/fs/cgroup");
      String max = readOrNull(v2.resolve("memory.max"));
      if (max != null) {
        long limit = max.equals("max") ? Long.MAX_VALUE : parse(max);
        String stat = readOrNull(v2.resolve("memory.stat"));
        return of(limit, readOrNull(v2.resolve("memory.current")), stat, "inactive_file");
      }
      Path v1 = v2.resolve("memory");
      String limit = readOrNull(v1.resolve("memory.limit_in_bytes"));
      if (limit == null) {
        return null;
      }
      String stat = readOrNull(v1.resolve("memory.stat"));
      return of(
          parse(limit),
          readOrNull(v1.resolve("memory.usage_in_bytes")),
          stat,
          "total_inactive_file");
    }

    private static Cgroup of(long limit, String usage, String stat, String inactiveKey) {
      if (limit < 0 || usage == null) {
        return null;
      }
      long inactive = 0;
      if (stat != null) {
        for (String line : stat.split("\n")) {
          String[] parts = line.trim().split("\\s+");
          if (parts.length == 2 && parts[0].equals(inactiveKey)) {
            inactive = Math.max(0, parse(parts[1]));
          }
        }
      }
      return new Cgroup(limit, Math.max(0, parse(usage)), inactive);
    }

    private static long parse(String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  private static String readOrNull(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
  }
}
