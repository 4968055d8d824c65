package io.qwenops.exporter.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket client: a bounded queue the sampler offers frames to (dropping the oldest when
 * full) and a virtual thread that drains it onto the socket. A slow socket blocks only this thread,
 * never the sampler or other clients.
 */
final class ClientChannel {

  private static final Logger LOG = Logger.getLogger(ClientChannel.class.getName());

  /** A serialised frame; {@code seq} is the sample's sequence number, 0 for other frames. */
  record OutFrame(long seq, String json) {}

  private final WsSession session;
  private final Consumer<ClientChannel> onGone;
  private final int capacity;
  private final long pingNanos;
  private final ArrayDeque<OutFrame> queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private long droppedSinceNotice;
  private long droppedTotal;
  private long skipThroughSeq;
  private boolean open = true;
  private Thread sender;

  ClientChannel(WsSession session, int capacity, Duration ping, Consumer<ClientChannel> onGone) {
    this.session = session;
    this.onGone = onGone;
    this.capacity = capacity;
    this.pingNanos = ping.toNanos();
    this.queue = new ArrayDeque<>(capacity);
  }

  /** Never blocks: a full queue loses its oldest frame. */
  void offer(OutFrame frame) {
    lock.lock();
    try {
      if (!open) {
        return;
      }
      if (queue.size() == capacity) {
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
   * Starts sending: the greeting frames first, then the queue. Samples up to {@code
   * historyThroughSeq} were in the history frame and are skipped if they also reached the queue.
   */
  void start(String helloJson, String historyJson, long historyThroughSeq) {
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
                    session.send(helloJson, true);
                    if (historyJson != null) {
                      session.send(historyJson, true);
                    }
                    drain();
                  } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "WebSocket client went away", e);
                    onGone.accept(this);
                  }
                });
  }

  private void drain() {
    long nextPing = System.nanoTime() + pingNanos;
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
        session.ping(BufferData.empty());
        nextPing = System.nanoTime() + pingNanos;
      }
      if (dropped > 0) {
        session.send(Frames.json(Frames.dropped(dropped, total)), true);
      }
      if (frame != null) {
        session.send(frame.json(), true);
      }
    }
  }

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

  boolean waitClosed(long millis) throws InterruptedException {
    Thread t = sender;
    return t == null || t.join(Duration.ofMillis(millis));
  }
}
