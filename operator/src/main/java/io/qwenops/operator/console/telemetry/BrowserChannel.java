package io.qwenops.operator.console.telemetry;

import io.helidon.websocket.WsSession;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One browser's WebSocket: a bounded queue that upstream links offer frames to without blocking (a
 * full queue loses its oldest frame) and a virtual thread that drains it onto the socket. A slow
 * browser delays only its own thread: Helidon's {@code send} is a blocking socket write, so the
 * upstream thread must never make it. The frame's text is the one string every browser shares.
 */
public final class BrowserChannel {

  private final WsSession session;
  private final int capacity;
  private final Consumer<BrowserChannel> onGone;
  private final DeliveryTimes times;
  private final ArrayDeque<Outbound> queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final Set<PodKey> subscribed = new HashSet<>();
  private boolean open = true;
  private long dropped;

  /**
   * A frame to send and when its upstream frame arrived ({@link #UNTIMED} for the gateway's own).
   */
  record Outbound(String text, long arrivedNanos) {}

  static final long UNTIMED = Long.MIN_VALUE;

  BrowserChannel(
      WsSession session, int capacity, DeliveryTimes times, Consumer<BrowserChannel> onGone) {
    this.session = session;
    this.times = times;
    this.capacity = capacity;
    this.onGone = onGone;
    this.queue = new ArrayDeque<>(capacity);
    Thread.ofVirtual().name("console-ws-browser").start(this::drain);
  }

  /** A frame the gateway made itself (status, error, replayed history); never blocks. */
  void offer(String frame) {
    offer(new Outbound(frame, UNTIMED));
  }

  /** Never blocks. */
  void offer(Outbound frame) {
    lock.lock();
    try {
      if (!open) {
        return;
      }
      if (queue.size() == capacity) {
        queue.pollFirst();
        dropped++;
      }
      queue.addLast(frame);
      ready.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Frames this browser lost to a full queue. */
  long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** The pods this browser subscribes to now; the hub owns the set. */
  Set<PodKey> subscribed() {
    return subscribed;
  }

  private void drain() {
    while (true) {
      Outbound frame;
      lock.lock();
      try {
        while (open && queue.isEmpty()) {
          ready.await();
        }
        if (!open) {
          return;
        }
        frame = queue.pollFirst();
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try {
        long taken = System.nanoTime();
        session.send(frame.text(), true);
        if (frame.arrivedNanos() != UNTIMED) {
          times.handedOver().record(taken - frame.arrivedNanos());
          times.written().record(System.nanoTime() - frame.arrivedNanos());
        }
      } catch (RuntimeException e) {
        close();
        onGone.accept(this);
        return;
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
}
