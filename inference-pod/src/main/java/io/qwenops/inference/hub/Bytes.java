package io.qwenops.inference.hub;

import java.util.Locale;

/** Byte counts for people: decimal units, as the Hub's pages and {@code du -h --si} show. */
public final class Bytes {

  private Bytes() {}

  public static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int unit = -1;
    while (v >= 1000 && unit < units.length - 1) {
      v /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[unit]);
  }
}
