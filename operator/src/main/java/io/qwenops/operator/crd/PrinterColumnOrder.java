package io.qwenops.operator.crd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Build step run right after fabric8's CRD generator: it sorts printer columns by jsonPath, but
 * {@code kubectl get qd} should read Model, Ready, Download, Endpoint, Age. Reorders the generated
 * YAML's {@code additionalPrinterColumns} entries in place, leaving every other byte as generated.
 */
public final class PrinterColumnOrder {

  static final List<String> ORDER = List.of("Model", "Ready", "Download", "Endpoint", "Age");

  private PrinterColumnOrder() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    Files.writeString(file, reorder(Files.readString(file)));
  }

  static String reorder(String yaml) {
    List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
    int header = indexOf(lines, "additionalPrinterColumns:");
    if (header < 0) {
      return yaml;
    }
    int keyIndent = lines.get(header).indexOf("additionalPrinterColumns:");
    String entryPrefix = " ".repeat(keyIndent) + "- ";
    List<List<String>> entries = new ArrayList<>();
    int end = header + 1;
    while (end < lines.size() && lines.get(end).startsWith(entryPrefix)) {
      List<String> entry = new ArrayList<>(List.of(lines.get(end++)));
      while (end < lines.size() && spacesBefore(lines.get(end)) > keyIndent) {
        entry.add(lines.get(end++));
      }
      entries.add(entry);
    }
    entries.sort(Comparator.comparingInt(PrinterColumnOrder::rank));
    List<String> result = new ArrayList<>(lines.subList(0, header + 1));
    entries.forEach(result::addAll);
    result.addAll(lines.subList(end, lines.size()));
    return String.join("\n", result);
  }

  private static int rank(List<String> entry) {
    for (String line : entry) {
      String trimmed = line.replaceFirst("^\\s*-?\\s*", "");
      if (trimmed.startsWith("name:")) {
        int i = ORDER.indexOf(trimmed.substring(5).trim().replace("\"", ""));
        return i < 0 ? ORDER.size() : i;
      }
    }
    return ORDER.size();
  }

  private static int indexOf(List<String> lines, String suffix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().endsWith(suffix)) {
        return i;
      }
    }
    return -1;
  }

  private static int spacesBefore(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
