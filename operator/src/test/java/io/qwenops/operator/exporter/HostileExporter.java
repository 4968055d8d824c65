package io.qwenops.operator.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP server on 127.0.0.1 that behaves as a broken or hostile gpu-exporter image might: it
 * answers 200 with a body that never ends (as fast as it can, or one byte at a time), or accepts
 * the connection and never answers. It counts the connections the client closed on it, which is how
 * a test sees that the operator stopped reading rather than buffering in the background.
 */
public final class HostileExporter implements AutoCloseable {

  public enum Behaviour {
    ENDLESS_BODY,
    TRICKLING_BODY,
    NEVER_ANSWERS
  }

  private final ServerSocket server;
  private final Behaviour behaviour;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger closedByClient = new AtomicInteger();
  private final AtomicLong bytesSent = new AtomicLong();
  private volatile boolean closed;

  public HostileExporter(Behaviour behaviour) {
    this.behaviour = behaviour;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofPlatform().daemon().name("hostile-exporter-accept").start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  /** Connections on which a write failed because the client had closed them. */
  public int closedByClient() {
    return closedByClient.get();
  }

  public long bytesSent() {
    return bytesSent.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        Thread.ofPlatform().daemon().name("hostile-exporter-conn").start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      readRequestHead(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      switch (behaviour) {
        case NEVER_ANSWERS -> {
          while (!closed && socket.getInputStream().read() >= 0) {
            // hold the connection open, say nothing
          }
          if (!closed) {
            closedByClient.incrementAndGet();
          }
          return;
        }
        case ENDLESS_BODY, TRICKLING_BODY -> {
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          byte[] data = new byte[behaviour == Behaviour.ENDLESS_BODY ? 64 * 1024 : 1];
          Arrays.fill(data, (byte) ' ');
          byte[] head =
              (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
          byte[] tail = "\r\n".getBytes(StandardCharsets.US_ASCII);
          while (!closed) {
            out.write(head);
            out.write(data);
            out.write(tail);
            out.flush();
            bytesSent.addAndGet(data.length);
            if (behaviour == Behaviour.TRICKLING_BODY) {
              Thread.sleep(50);
            }
          }
        }
      }
    } catch (IOException e) {
      if (!closed) {
        closedByClient.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
