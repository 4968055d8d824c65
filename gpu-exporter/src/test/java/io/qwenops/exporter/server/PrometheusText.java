package io.qwenops.exporter.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the Prometheus text format back into series, for assertions. */
final class PrometheusText {

  record Series(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("^([A-Za-z_:][\\w:]*)\\{(.*)} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {}

  static List<Series> parse(String text) {
    List<Series> series = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return series;
  }

  /**
   * The value of {@code name} for the GPU with index {@code gpu}, or null when there is no such
   * series.
   */
  static Double value(List<Series> all, String name, int gpu) {
    return all.stream()
        .filter(s -> s.name().equals(name) && s.labels().get("gpu").equals(Integer.toString(gpu)))
        .map(Series::value)
        .findFirst()
        .orElse(null);
  }
}
