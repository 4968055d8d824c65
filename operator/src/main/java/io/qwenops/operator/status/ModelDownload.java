package io.qwenops.operator.status;

import java.util.Locale;

/**
 * A pod's model download as its inference container reports it on {@code /health} while loading.
 *
 * @param bytesTotal -1 while the pod does not know the total yet
 */
public record ModelDownload(long bytesDone, long bytesTotal) {

  /** 0–100, floored so 100 means done; -1 while the total is unknown. */
  public int percent() {
    if (bytesTotal < 0) {
      return -1;
    }
    return bytesTotal == 0 ? 100 : (int) Math.min(100, Math.floor(100.0 * bytesDone / bytesTotal));
  }

  /** E.g. "42% of 988 MB" (decimal units, as the Hub shows sizes). */
  public String progress() {
    return percent() < 0 ? human(bytesDone) + " so far" : percent() + "% of " + human(bytesTotal);
  }

  static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int unit = -1;
    while (v >= 1000 && unit < units.length - 1) {
      v /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[unit]);
  }
}
