package io.qwenops.inference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The JSONL output: one result per line, appended (and flushed) as each request finishes, so an
 * interrupted run keeps what it did. Opening an existing file finds the input lines it already
 * holds results for; a half-written last line (the process died mid-write) is cut off first.
 */
final class ResultFile implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private final Set<Integer> done;

  private ResultFile(BufferedWriter out, Set<Integer> done) {
    this.out = out;
    this.done = done;
  }

  static ResultFile open(Path path) throws IOException {
    Set<Integer> done = new HashSet<>();
    if (Files.exists(path)) {
      dropPartialLastLine(path);
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        try {
          JsonNode result = JSON.readTree(line);
          if (result != null && result.path("line").canConvertToInt()) {
            done.add(result.get("line").asInt());
          }
        } catch (IOException e) {
          // Not one of ours: leave it, it names no line.
        }
      }
    } else if (path.toAbsolutePath().getParent() != null) {
      Files.createDirectories(path.toAbsolutePath().getParent());
    }
    BufferedWriter out =
        Files.newBufferedWriter(
            path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return new ResultFile(out, done);
  }

  /** Input lines that already have a result. */
  Set<Integer> done() {
    return Set.copyOf(done);
  }

  synchronized void write(Map<String, Object> result) throws IOException {
    out.write(JSON.writeValueAsString(result));
    out.write('\n');
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private static void dropPartialLastLine(Path path) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      long end = file.length();
      long keep = end;
      while (keep > 0) {
        file.seek(keep - 1);
        if (file.read() == '\n') {
          break;
        }
        keep--;
      }
      if (keep < end) {
        file.setLength(keep);
      }
    }
  }
}
