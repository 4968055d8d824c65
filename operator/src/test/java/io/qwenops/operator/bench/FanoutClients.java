package io.qwenops.operator.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The measuring side of {@link TelemetryFanoutBenchmark}, run in its own JVM so that its work does
 * not count as the gateway's: N raw WebSocket clients on non-blocking sockets (one HTTP upgrade,
 * then frame headers read by hand; no per-message machinery), plus one client straight to the
 * exporter. Each client only timestamps the text frames that carry {@code "sentNanos":} (the
 * sender's {@code System.nanoTime()}: CLOCK_MONOTONIC, shared by every process on the machine).
 *
 * <p>Args: via-URL, subscribe message ("-" for none), direct URL ("-" for none), clients, warm-up
 * s, seconds, selector threads. Prints {@code READY}, {@code RECORDING}, {@code STOPPED}, then
 * {@code RESULT <name> <count> <p50> <p95> <p99> <max>} (ns) lines.
 */
public final class FanoutClients {

  private static final byte[] MARK = "\"sentNanos\":".getBytes(StandardCharsets.US_ASCII);
  private static volatile boolean recording;

  private FanoutClients() {}

  /** One client socket and what it measured. */
  static final class Client {
    final SocketChannel channel;
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    long[] latencies = new long[1024];
    int count;

    Client(SocketChannel channel) {
      this.channel = channel;
    }

    void add(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }
  }

  public static void main(String[] args) throws Exception {
    URI via = URI.create(args[0]);
    String subscribe = args[1].equals("-") ? null : args[1];
    URI direct = args[2].equals("-") ? null : URI.create(args[2]);
    int clients = Integer.parseInt(args[3]);
    int warmupSeconds = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    int threads = Integer.parseInt(args[6]);

    List<Client> viaClients = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      viaClients.add(connect(via, subscribe));
    }
    Client directClient = direct == null ? null : connect(direct, null);
    List<Client> all = new ArrayList<>(viaClients);
    if (directClient != null) {
      all.add(directClient);
    }
    List<Thread> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Client> mine = new ArrayList<>();
      for (int i = t; i < all.size(); i += threads) {
        mine.add(all.get(i));
      }
      Selector selector = Selector.open();
      for (Client c : mine) {
        c.channel.configureBlocking(false);
        c.channel.register(selector, SelectionKey.OP_READ, c);
      }
      loops.add(Thread.ofPlatform().daemon().name("clients-" + t).start(() -> loop(selector)));
    }
    System.out.println("READY");
    Thread.sleep(warmupSeconds * 1000L);
    recording = true;
    System.out.println("RECORDING");
    Thread.sleep(seconds * 1000L);
    recording = false;
    System.out.println("STOPPED");
    result("via", viaClients);
    if (directClient != null) {
      result("direct", List.of(directClient));
    }
    System.out.flush();
    System.exit(0);
  }

  private static Client connect(URI uri, String subscribe) throws IOException {
    SocketChannel ch = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
    ch.socket().setTcpNoDelay(true);
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    Client client = new Client(ch);
    int headerEnd;
    while ((headerEnd = indexOf(client.in, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) < 0) {
      if (ch.read(client.in) < 0) {
        throw new IOException("closed during the upgrade of " + uri);
      }
    }
    String head = new String(client.in.array(), 0, headerEnd, StandardCharsets.US_ASCII);
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException(uri + " refused the upgrade: " + head);
    }
    // Keep what followed the headers (the first frames) for the loop.
    client.in.flip().position(headerEnd + 4);
    client.in.compact();
    if (subscribe != null) {
      ch.write(maskedText(subscribe.getBytes(StandardCharsets.UTF_8)));
    }
    return client;
  }

  /** A client's text frame: clients must mask; a zero key leaves the payload as it is. */
  private static ByteBuffer maskedText(byte[] payload) {
    ByteBuffer out = ByteBuffer.allocate(payload.length + 8);
    out.put((byte) 0x81);
    if (payload.length < 126) {
      out.put((byte) (0x80 | payload.length));
    } else {
      out.put((byte) (0x80 | 126)).putShort((short) payload.length);
    }
    out.putInt(0).put(payload).flip();
    return out;
  }

  private static void loop(Selector selector) {
    try {
      while (true) {
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          Client c = (Client) key.attachment();
          int read = c.channel.read(c.in);
          long now = System.nanoTime();
          if (read < 0) {
            key.cancel();
            continue;
          }
          frames(c, now);
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      System.err.println("client loop failed: " + e);
    }
  }

  /** Consumes every whole frame in the buffer; a frame larger than the buffer grows it. */
  private static void frames(Client c, long now) {
    ByteBuffer buf = c.in.flip();
    while (buf.remaining() >= 2) {
      int start = buf.position();
      int b0 = buf.get(start) & 0xff;
      long length = buf.get(start + 1) & 0x7f;
      int header = 2;
      if (length == 126) {
        if (buf.remaining() < 4) {
          break;
        }
        length = buf.getShort(start + 2) & 0xffff;
        header = 4;
      } else if (length == 127) {
        if (buf.remaining() < 10) {
          break;
        }
        length = buf.getLong(start + 2);
        header = 10;
      }
      if (buf.remaining() < header + length) {
        if (header + length > buf.capacity()) {
          ByteBuffer bigger = ByteBuffer.allocate((int) (header + length) * 2);
          bigger.put(buf);
          c.in = bigger;
          return;
        }
        break;
      }
      int opcode = b0 & 0x0f;
      if (opcode == 1 && recording) {
        long sent = sentNanos(buf, start + header, start + header + (int) length);
        if (sent != Long.MIN_VALUE) {
          c.add(now - sent);
        }
      }
      buf.position(start + header + (int) length);
    }
    buf.compact();
  }

  private static long sentNanos(ByteBuffer buf, int from, int to) {
    byte[] a = buf.array();
    outer:
    for (int i = from; i + MARK.length < to; i++) {
      for (int j = 0; j < MARK.length; j++) {
        if (a[i + j] != MARK[j]) {
          continue outer;
        }
      }
      long value = 0;
      for (int k = i + MARK.length; k < to && a[k] >= '0' && a[k] <= '9'; k++) {
        value = value * 10 + (a[k] - '0');
      }
      return value;
    }
    return Long.MIN_VALUE;
  }

  private static int indexOf(ByteBuffer buf, byte[] needle) {
    byte[] a = buf.array();
    outer:
    for (int i = 0; i + needle.length <= buf.position(); i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void result(String name, List<Client> clients) {
    int total = clients.stream().mapToInt(c -> c.count).sum();
    long[] all = new long[total];
    int at = 0;
    for (Client c : clients) {
      System.arraycopy(c.latencies, 0, all, at, c.count);
      at += c.count;
    }
    Arrays.sort(all);
    System.out.printf(
        "RESULT %s %d %d %d %d %d%n",
        name, total, at(all, 0.50), at(all, 0.95), at(all, 0.99), total == 0 ? 0 : all[total - 1]);
  }

  private static long at(long[] sorted, double q) {
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }
}
