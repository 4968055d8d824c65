package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketContext;
import io.helidon.websocket.WsSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-client queue and sender, against a session whose socket we can stall. */
class ClientChannelTest {

  /** Records what was sent; each send waits for a permit when {@code stalled}. */
  static class RecordingSession implements WsSession {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final Semaphore permits = new Semaphore(Integer.MAX_VALUE);
    volatile int pings;

    @Override
    public WsSession send(String text, boolean last) {
      permits.acquireUninterruptibly();
      sent.add(text);
      return this;
    }

    @Override
    public WsSession send(BufferData bufferData, boolean last) {
      throw new UnsupportedOperationException("frames are text");
    }

    @Override
    public WsSession ping(BufferData bufferData) {
      pings++;
      return this;
    }

    @Override
    public WsSession pong(BufferData bufferData) {
      return this;
    }

    @Override
    public WsSession close(int code, String reason) {
      return this;
    }

    @Override
    public WsSession terminate() {
      return this;
    }

    @Override
    public SocketContext socketContext() {
      return null;
    }
  }

  static void eventually(Runnable assertion) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  @Test
  void sendsGreetingThenQueuedSamplesSkippingThoseInTheHistory() throws Exception {
    RecordingSession session = new RecordingSession();
    ClientChannel channel =
        new ClientChannel(
            session,
            new ClientChannel.Limits(8, Duration.ofSeconds(30), Duration.ofSeconds(10)),
            c -> {});
    channel.offer(new ClientChannel.OutFrame(5, "s5")); // already in the history
    channel.offer(new ClientChannel.OutFrame(6, "s6"));
    channel.start("hello", List.of(), 5);
    channel.offer(new ClientChannel.OutFrame(7, "s7"));
    eventually(
        () ->
            assertThat(session.sent)
                .containsExactly("hello", "{\"type\":\"history\",\"samples\":[]}", "s6", "s7"));
    channel.close();
    assertThat(channel.waitClosed(2000)).isTrue();
  }

  @Test
  void aFullQueueDropsTheOldestAndTellsTheClientHowMany() throws Exception {
    RecordingSession session = new RecordingSession();
    ClientChannel channel =
        new ClientChannel(
            session,
            new ClientChannel.Limits(3, Duration.ofSeconds(30), Duration.ofSeconds(10)),
            c -> {});
    session.permits.drainPermits();
    session.permits.release(1); // only the hello gets through: the socket is stalled
    channel.start("hello", null, 0);
    eventually(() -> assertThat(session.sent).containsExactly("hello"));
    channel.offer(new ClientChannel.OutFrame(1, "s1"));
    eventually(() -> assertThat(session.permits.hasQueuedThreads()).isTrue()); // stuck sending s1
    for (int seq = 2; seq <= 10; seq++) {
      channel.offer(new ClientChannel.OutFrame(seq, "s" + seq)); // never blocks
    }
    // The sender holds s1 (blocked in send); the queue keeps the newest three of s2..s10.
    assertThat(channel.droppedTotal()).isEqualTo(6);
    session.permits.release(Integer.MAX_VALUE / 2);
    eventually(
        () ->
            assertThat(session.sent)
                .containsExactly(
                    "hello",
                    "s1",
                    "{\"type\":\"dropped\",\"dropped\":6,\"totalDropped\":6}",
                    "s8",
                    "s9",
                    "s10"));
    channel.close();
  }

  @Test
  void pingsPeriodicallyWhetherIdleOrBusy() throws Exception {
    RecordingSession session = new RecordingSession();
    ClientChannel channel =
        new ClientChannel(
            session,
            new ClientChannel.Limits(4, Duration.ofMillis(50), Duration.ofSeconds(10)),
            c -> {});
    channel.start("hello", null, 0);
    eventually(() -> assertThat(session.pings).isGreaterThanOrEqualTo(2)); // idle
    int before = session.pings;
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    for (int seq = 1; System.nanoTime() < end; seq++) {
      channel.offer(new ClientChannel.OutFrame(seq, "s" + seq)); // busier than the ping period
      Thread.sleep(10);
    }
    eventually(() -> assertThat(session.pings).isGreaterThanOrEqualTo(before + 2));
    channel.close();
  }

  @Test
  void aFailingSocketReportsTheClientGone() throws Exception {
    List<ClientChannel> gone = new CopyOnWriteArrayList<>();
    RecordingSession broken =
        new RecordingSession() {
          @Override
          public WsSession send(String text, boolean last) {
            throw new IllegalStateException("connection reset");
          }
        };
    ClientChannel channel =
        new ClientChannel(
            broken,
            new ClientChannel.Limits(4, Duration.ofSeconds(30), Duration.ofSeconds(10)),
            gone::add);
    channel.start("hello", null, 0);
    eventually(() -> assertThat(gone).containsExactly(channel));
  }
}
