package io.qwenops.operator.console.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4): {@code # HELP} and {@code #
 * TYPE} lines, other comments, and samples {@code name{label="value",...} value [timestamp]}. The
 * Prometheus Java client ships writers only, so this small parser stands in; anything it does not
 * understand is an error with the line number, never a silently skipped sample.
 */
public final class PrometheusText {

  private static final Pattern NUMBER =
      Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  private PrometheusText() {}

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** Every sample of a scrape, by sample name (e.g. {@code vllm:ttft_seconds_bucket}). */
  public record Samples(Map<String, List<Sample>> byName) {

    public List<Sample> named(String name) {
      return byName.getOrDefault(name, List.of());
    }

    /** Sum over every series of this name, or null when there is none. */
    public Double sum(String name) {
      List<Sample> samples = named(name);
      if (samples.isEmpty()) {
        return null;
      }
      double total = 0;
      for (Sample s : samples) {
        total += s.value();
      }
      return total;
    }
  }

  public static final class FormatException extends RuntimeException {
    FormatException(int line, String problem, String text) {
      super("line " + line + ": " + problem + ": " + abbreviate(text));
    }

    private static String abbreviate(String text) {
      return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
  }

  public static Samples parse(String text) {
    Map<String, List<Sample>> byName = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Sample sample = new LineParser(line, i + 1).sample();
      byName.computeIfAbsent(sample.name(), k -> new ArrayList<>()).add(sample);
    }
    return new Samples(Collections.unmodifiableMap(byName));
  }

  /** Parses one sample line left to right. */
  private static final class LineParser {
    private final String line;
    private final int number;
    private int pos;

    LineParser(String line, int number) {
      this.line = line;
      this.number = number;
    }

    Sample sample() {
      skipSpaces();
      String name = name(true);
      Map<String, String> labels = Map.of();
      if (pos < line.length() && line.charAt(pos) == '{') {
        labels = labels();
      }
      if (pos >= line.length() || (line.charAt(pos) != ' ' && line.charAt(pos) != '\t')) {
        throw fail("expected a space before the value");
      }
      skipSpaces();
      int start = pos;
      while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
        pos++;
      }
      double value = number(line.substring(start, pos));
      skipSpaces();
      if (pos < line.length()) {
        String rest = line.substring(pos);
        if (!rest.matches("-?[0-9]+")) {
          throw fail("expected an integer timestamp or the end of the line");
        }
      }
      return new Sample(name, labels, value);
    }

    private String name(boolean metric) {
      int start = pos;
      while (pos < line.length()) {
        char c = line.charAt(pos);
        boolean ok =
            Character.isLetter(c)
                || c == '_'
                || (metric && c == ':')
                || (pos > start && Character.isDigit(c));
        if (!ok || c > 127) {
          break;
        }
        pos++;
      }
      if (pos == start) {
        throw fail(metric ? "expected a metric name" : "expected a label name");
      }
      return line.substring(start, pos);
    }

    private Map<String, String> labels() {
      Map<String, String> labels = new LinkedHashMap<>();
      pos++; // {
      while (true) {
        skipSpaces();
        if (pos < line.length() && line.charAt(pos) == '}') {
          pos++;
          return Collections.unmodifiableMap(labels);
        }
        String label = name(false);
        expect('=');
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
          if (pos >= line.length()) {
            throw fail("unterminated label value");
          }
          char c = line.charAt(pos++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (pos >= line.length()) {
              throw fail("unterminated escape");
            }
            char e = line.charAt(pos++);
            switch (e) {
              case 'n' -> value.append('\n');
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              default -> throw fail("unknown escape \\" + e);
            }
          } else {
            value.append(c);
          }
        }
        labels.put(label, value.toString());
        skipSpaces();
        if (pos < line.length() && line.charAt(pos) == ',') {
          pos++;
        } else if (pos >= line.length() || line.charAt(pos) != '}') {
          throw fail("expected ',' or '}' after a label");
        }
      }
    }

    private double number(String token) {
      switch (token) {
        case "+Inf", "Inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        case "NaN" -> {
          return Double.NaN;
        }
        default -> {
          if (!NUMBER.matcher(token).matches()) {
            throw fail("not a number: '" + token + "'");
          }
          return Double.parseDouble(token);
        }
      }
    }

    private void expect(char c) {
      if (pos >= line.length() || line.charAt(pos) != c) {
        throw fail("expected '" + c + "'");
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private FormatException fail(String problem) {
      return new FormatException(number, problem + " at column " + (pos + 1), line);
    }
  }
}
