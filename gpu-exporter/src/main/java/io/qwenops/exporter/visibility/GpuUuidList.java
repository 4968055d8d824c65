package io.qwenops.exporter.visibility;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses GPU UUID lists: one per line or comma/space separated; blank lines and {@code #} comments
 * ignored.
 */
public final class GpuUuidList {

  private GpuUuidList() {}

  public static List<String> parse(String text) {
    Set<String> uuids = new LinkedHashSet<>();
    if (text == null) {
      return List.of();
    }
    for (String line : text.split("\\R")) {
      int comment = line.indexOf('#');
      String content = comment >= 0 ? line.substring(0, comment) : line;
      for (String token : content.split("[,\\s]+")) {
        if (!token.isBlank()) {
          uuids.add(normalise(token));
        }
      }
    }
    return new ArrayList<>(uuids);
  }

  /** NVML prints UUIDs as {@code GPU-} plus lower-case hex; tools and humans vary the case. */
  public static String normalise(String uuid) {
    String trimmed = uuid.trim();
    if (trimmed.regionMatches(true, 0, "GPU-", 0, 4)) {
      return "GPU-" + trimmed.substring(4).toLowerCase(Locale.ROOT);
    }
    if (trimmed.regionMatches(true, 0, "MIG-", 0, 4)) {
      return "MIG-" + trimmed.substring(4).toLowerCase(Locale.ROOT);
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }
}
