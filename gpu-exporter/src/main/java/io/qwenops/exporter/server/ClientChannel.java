package io.qwenops.exporter.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import io.qwenops.exporter.sampling.Sample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket client: a bounded queue the sampler offers frames to (dropping the oldest when
 * full) and a virtual thread that drains it onto the socket. A slow socket blocks only this thread,
 * never the sampler or other clients; a write blocked longer than the send timeout gets the client
 * closed by {@link TelemetryHub}'s watchdog ({@link #closeStalled}, then {@link #abort}).
 */
final class ClientChannel {

  private static final Logger LOG = Logger.getLogger(ClientChannel.class.getName());

  /** Close code for a client that stopped reading (RFC 6455: policy violation). */
  static final int STALLED_CODE = 1008;

  /** A serialised frame; {@code seq} is the sample's sequence number, 0 for other frames. */
  record OutFrame(long seq, String json) {}

  /**
   * What bounds one client: its queue, its keep-alive ping period and how long a write may block.
   */
  record Limits(int queue, Duration ping, Duration sendTimeout) {}

  /** Thrown inside the sender when the channel was closed between two writes. */
  private static final class Closed extends RuntimeException {
    Closed() {
      super("channel closed", null, false, false);
    }
  }

  private final WsSession session;
  private final Consumer<ClientChannel> onGone;
  private final Limits limits;
  private final ArrayDeque<OutFrame> queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private long droppedSinceNotice;
  private long droppedTotal;
  private long skipThroughSeq;
  private boolean open = true;
  private volatile Thread sender;
  private volatile Thread closer;

  /** System.nanoTime() when the write in progress started; 0 while no write is in progress. */
  private volatile long writingSince;

  ClientChannel(WsSession session, Limits limits, Consumer<ClientChannel> onGone) {
    this.session = session;
    this.onGone = onGone;
    this.limits = limits;
    this.queue = new ArrayDeque<>(limits.queue());
  }

  /** Never blocks: a full queue loses its oldest frame. */
  void offer(OutFrame frame) {
    lock.lock();
    try {
      if (!open) {
        return;
      }
      if (queue.size() == limits.queue()) {
        queue.pollFirst();
        droppedSinceNotice++;
        droppedTotal++;
      }
      queue.addLast(frame);
      ready.signal();
    } finally {
      lock.unlock();
    }
  }

  long droppedTotal() {
    lock.lock();
    try {
      return droppedTotal;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts sending: the hello frame, then {@code history} (null for none) as one fragmented
   * message, then the queue. Samples up to {@code historyThroughSeq} were in the history and are
   * skipped if they also reached the queue.
   */
  void start(String helloJson, List<Sample> history, long historyThroughSeq) {
    lock.lock();
    try {
      skipThroughSeq = historyThroughSeq;
    } finally {
      lock.unlock();
    }
    sender =
        Thread.ofVirtual()
            .name("ws-client")
            .start(
                () -> {
                  try {
                    send(helloJson, true);
                    if (history != null) {
                      HistoryFragments.write(history, HistoryFragments.CHUNK_CHARS, this::send);
                    }
                    drain();
                  } catch (Closed e) {
                    // closed by the hub: nothing to report
                  } catch (Throwable e) {
                    // Any failure ends this client only; the hub must forget it either way.
                    LOG.log(Level.FINE, "WebSocket client went away", e);
                    onGone.accept(this);
                    if (e instanceof VirtualMachineError fatal) {
                      throw fatal;
                    }
                  }
                });
  }

  private void drain() {
    long nextPing = System.nanoTime() + limits.ping().toNanos();
    while (true) {
      OutFrame frame;
      long dropped;
      long total;
      lock.lock();
      try {
        long waitNanos = nextPing - System.nanoTime();
        while (open && queue.isEmpty() && waitNanos > 0) {
          waitNanos = ready.awaitNanos(waitNanos);
        }
        if (!open) {
          return;
        }
        frame = queue.pollFirst();
        if (frame != null && frame.seq() != 0 && frame.seq() <= skipThroughSeq) {
          continue;
        }
        dropped = droppedSinceNotice;
        total = droppedTotal;
        droppedSinceNotice = 0;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      if (System.nanoTime() - nextPing >= 0) {
        // Periodic, whatever the traffic: proxies see a live connection and a dead peer shows up
        // as a failed write even when the queue is empty.
        timed(() -> session.ping(BufferData.empty()));
        nextPing = System.nanoTime() + limits.ping().toNanos();
      }
      if (dropped > 0) {
        send(Frames.json(Frames.dropped(dropped, total)), true);
      }
      if (frame != null) {
        send(frame.json(), true);
      }
    }
  }

  private void send(String text, boolean last) {
    timed(() -> session.send(text, last));
  }

  /** One write, timed for the watchdog; refused once the channel is closed. */
  private void timed(Runnable write) {
    lock.lock();
    try {
      if (!open) {
        throw new Closed();
      }
    } finally {
      lock.unlock();
    }
    writingSince = System.nanoTime() | 1; // never 0 while writing
    try {
      write.run();
    } finally {
      writingSince = 0;
    }
  }

  /** How long the write in progress has been blocked; 0 when none is. */
  long blockedNanos(long nowNanos) {
    long since = writingSince;
    return since == 0 ? 0 : nowNanos - since;
  }

  /** Stops queueing and sending; the socket is left to its owner. */
  void close() {
    lock.lock();
    try {
      open = false;
      queue.clear();
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The client stopped reading: drop its frames and ask it to close. The close frame waits behind
   * the blocked write, so a client that reads again gets it; one that never does is {@link
   * #abort}ed.
   */
  void closeStalled(String reason) {
    close();
    closer =
        Thread.ofVirtual()
            .name("ws-close")
            .start(
                () -> {
                  try {
                    session.close(STALLED_CODE, reason);
                  } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "close frame not sent", e);
                  }
                });
  }

  /**
   * Drops the connection: interrupting a virtual thread blocked in a socket write closes the socket
   * (JEP 444), which frees what the write held and ends Helidon's reader for this connection.
   */
  void abort() {
    for (Thread t : new Thread[] {sender, closer}) {
      if (t != null && t.isAlive()) {
        t.interrupt();
      }
    }
  }

  boolean waitClosed(long millis) throws InterruptedException {
    Thread t = sender;
    return t == null || t.join(Duration.ofMillis(millis));
  }
}
