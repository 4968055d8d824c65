package io.qwenops.exporter.server;

import io.qwenops.exporter.sampling.Sample;
import java.io.IOException;
import java.util.List;

/**
 * The {@code history} frame written a sample at a time, in pieces of about {@link #CHUNK_CHARS}:
 * the WebSocket sends each piece as a fragment of one message, REST writes them to the response
 * stream. A client then holds one piece, never a serialised copy of the whole history (ten minutes
 * of eight GPUs are about 5 MB, and Helidon's per-connection send buffer grows to the largest frame
 * it ever sent).
 */
final class HistoryFragments {

  /** About the size of one piece, in characters. */
  static final int CHUNK_CHARS = 32 * 1024;

  private static final String PREFIX = "{\"type\":\"history\",\"samples\":[";
  private static final String SUFFIX = "]}";

  /** Receives the pieces in order; {@code last} is true for the final one. */
  interface Sink {
    void accept(String text, boolean last) throws IOException;
  }

  private HistoryFragments() {}

  /** Writes {@code samples} (oldest first) as exactly the JSON {@link Frames#history} would be. */
  static void write(List<Sample> samples, int chunkChars, Sink sink) throws IOException {
    StringBuilder piece = new StringBuilder(Math.min(chunkChars, 1024) + 1024);
    piece.append(PREFIX);
    for (int i = 0; i < samples.size(); i++) {
      if (i > 0) {
        piece.append(',');
      }
      piece.append(Frames.json(Frames.sample(samples.get(i))));
      if (piece.length() >= chunkChars && i < samples.size() - 1) {
        sink.accept(piece.toString(), false);
        piece.setLength(0);
      }
    }
    piece.append(SUFFIX);
    sink.accept(piece.toString(), true);
  }
}
