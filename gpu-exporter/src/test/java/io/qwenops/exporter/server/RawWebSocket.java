package io.qwenops.exporter.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a raw socket: it completes the handshake and then reads only when the test
 * says so, with a tiny receive window, so it can play a client that stalls.
 */
final class RawWebSocket implements AutoCloseable {

  /** One server frame (servers do not mask). */
  record Frame(int opcode, boolean fin, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** A close frame's status code. */
    int closeCode() {
      return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  final InputStream in;
  final String responseHead;

  private RawWebSocket(Socket socket, InputStream in, String responseHead) {
    this.socket = socket;
    this.in = in;
    this.responseHead = responseHead;
  }

  /** Sends the upgrade request and reads the response head, whatever its status. */
  static RawWebSocket open(int port, String pathAndQuery, String... extraHeaders)
      throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(2048);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    StringBuilder request =
        new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
    request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    request.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
    for (String header : extraHeaders) {
      request.append(header).append("\r\n");
    }
    request.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    return new RawWebSocket(socket, in, head.toString());
  }

  /** A handshake that must succeed: the client then never reads until told to. */
  static RawWebSocket stalled(int port, String query) throws IOException {
    RawWebSocket ws = open(port, "/ws/gpu" + query);
    if (!ws.responseHead.startsWith("HTTP/1.1 101")) {
      ws.close();
      throw new AssertionError("handshake refused: " + ws.responseHead);
    }
    return ws;
  }

  /** The next frame; throws at end of stream. */
  Frame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte() & 0x7F;
    long length = b1;
    if (b1 == 126) {
      length = new BigInteger(1, in.readNBytes(2)).longValue();
    } else if (b1 == 127) {
      length = new BigInteger(1, in.readNBytes(8)).longValue();
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new IOException("end of stream inside a frame");
    }
    return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
  }

  /** The next complete text message (fragments joined), skipping control frames but close. */
  String readText() throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      Frame frame = readFrame();
      if (frame.opcode() == 8) {
        throw new IOException("closed: " + frame.closeCode() + " " + frame.closeReason());
      }
      if (frame.opcode() == 1 || frame.opcode() == 0) {
        text.append(frame.text());
        if (frame.fin()) {
          return text.toString();
        }
      }
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("end of stream");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
