package io.qwenops.inference.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a bare socket, one request per connection: the bytes a hostile client would send
 * (invalid UTF-8, any path, a body bigger than the limit, chunked or not) and the reply exactly as
 * the server wrote it, within a deadline. A reply that does not come in time is a {@link Hang}.
 */
final class RawHttp {

  /** The server did not answer within the deadline. */
  static final class Hang extends Exception {
    Hang(String what) {
      super(what);
    }
  }

  /** How a body is delimited. */
  enum Framing {
    /** Content-Length, then the body. */
    LENGTH,
    /** Transfer-Encoding: chunked, 64 KiB chunks. */
    CHUNKED,
    /** A Content-Length, half the body, then the client stops sending (half-close). */
    SHORT
  }

  /** A status, lower-cased header names and the (de-chunked) body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  /**
   * Sends one request and reads the whole reply. The body is written from another thread, so a
   * server that answers early (413) and stops reading is still heard.
   */
  Reply exchange(String method, String path, byte[] body, Framing framing, Duration timeout)
      throws IOException, Hang {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      OutputStream out = socket.getOutputStream();
      out.write(head(method, path, body, framing == Framing.CHUNKED));
      out.flush();
      Thread writer = null;
      if (body != null) {
        writer = Thread.ofVirtual().start(() -> writeBody(socket, body, framing));
      }
      try {
        return read(socket.getInputStream(), deadline, method + " " + path);
      } finally {
        if (writer != null) {
          writer.interrupt();
        }
      }
    }
  }

  /** Opens a connection and sends a request without reading anything: the caller reads and cuts. */
  Socket open(String path, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write(head("POST", path, body, false));
    out.write(body);
    out.flush();
    return socket;
  }

  private static byte[] head(String method, String path, byte[] body, boolean chunked) {
    StringBuilder h = new StringBuilder();
    h.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    h.append("Host: 127.0.0.1\r\nConnection: close\r\n");
    if (body != null) {
      h.append("Content-Type: application/json\r\n");
      if (chunked) {
        h.append("Transfer-Encoding: chunked\r\n");
      } else {
        h.append("Content-Length: ").append(body.length).append("\r\n");
      }
    }
    h.append("\r\n");
    // ISO-8859-1 keeps a path's raw bytes (a test may put invalid UTF-8 in it) as they are.
    return h.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void writeBody(Socket socket, byte[] body, Framing framing) {
    try {
      OutputStream out = socket.getOutputStream();
      if (framing == Framing.LENGTH) {
        out.write(body);
      } else if (framing == Framing.SHORT) {
        out.write(body, 0, body.length / 2);
        out.flush();
        socket.shutdownOutput();
      } else {
        for (int at = 0; at < body.length; at += 1 << 16) {
          int n = Math.min(1 << 16, body.length - at);
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body, at, n);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    } catch (IOException e) {
      // The server answered and closed before reading it all (a 413): the reply is what counts.
    }
  }

  /**
   * Reads one reply: its head, then a body of Content-Length bytes, a chunked body up to its last
   * chunk, or (neither) everything up to the end of the connection.
   */
  static Reply read(InputStream raw, long deadlineNanos, String what) throws IOException, Hang {
    Reader in = new Reader(raw, deadlineNanos, what);
    String[] lines = new String(in.until(CRLF_CRLF), StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      while (true) {
        String size = new String(in.until(CRLF), StandardCharsets.US_ASCII).split(";")[0].trim();
        int n = Integer.parseInt(size, 16);
        if (n == 0) {
          in.until(CRLF);
          break;
        }
        body.writeBytes(in.exactly(n));
        in.exactly(2);
      }
    } else if (headers.containsKey("content-length")) {
      body.writeBytes(in.exactly(Integer.parseInt(headers.get("content-length"))));
    } else {
      body.writeBytes(in.rest());
    }
    return new Reply(status, headers, body.toByteArray());
  }

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

  /** Buffered reads against one deadline; running out of time is a {@link Hang}. */
  private static final class Reader {
    private final InputStream in;
    private final long deadlineNanos;
    private final String what;
    private byte[] buffer = new byte[0];
    private int start;
    private boolean ended;

    Reader(InputStream in, long deadlineNanos, String what) {
      this.in = in;
      this.deadlineNanos = deadlineNanos;
      this.what = what;
    }

    /** The bytes before {@code delimiter}, which is consumed too. */
    byte[] until(byte[] delimiter) throws IOException, Hang {
      int at;
      while ((at = indexOf(buffer, delimiter, start)) < 0) {
        fill(true);
      }
      byte[] out = java.util.Arrays.copyOfRange(buffer, start, at);
      start = at + delimiter.length;
      return out;
    }

    byte[] exactly(int n) throws IOException, Hang {
      while (buffer.length - start < n) {
        fill(true);
      }
      byte[] out = java.util.Arrays.copyOfRange(buffer, start, start + n);
      start += n;
      return out;
    }

    byte[] rest() throws IOException, Hang {
      while (!ended) {
        fill(false);
      }
      byte[] out = java.util.Arrays.copyOfRange(buffer, start, buffer.length);
      start = buffer.length;
      return out;
    }

    private void fill(boolean mustGrow) throws IOException, Hang {
      if (System.nanoTime() > deadlineNanos) {
        throw new Hang(what + ": no complete reply in time (" + buffer.length + " bytes so far)");
      }
      byte[] chunk = new byte[1 << 16];
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        throw new Hang(what + ": silent past the deadline (" + buffer.length + " bytes so far)");
      }
      if (n < 0) {
        ended = true;
        if (mustGrow) {
          throw new IOException(
              what
                  + ": connection closed mid-reply: "
                  + new String(buffer, StandardCharsets.UTF_8));
        }
        return;
      }
      byte[] grown = java.util.Arrays.copyOfRange(buffer, start, buffer.length + n);
      System.arraycopy(chunk, 0, grown, buffer.length - start, n);
      buffer = grown;
      start = 0;
    }
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
