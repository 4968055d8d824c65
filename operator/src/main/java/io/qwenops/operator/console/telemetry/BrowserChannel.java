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
 * browser delays only its own thread.
 */
public final class BrowserChannel {

  private final WsSession session;
  private final int capacity;
  private final Consumer<BrowserChannel> onGone;
  private final ArrayDeque<String> queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final Set<PodKey> subscribed = new HashSet<>();
  private boolean open = true;
  private long dropped;

  BrowserChannel(WsSession session, int capacity, Consumer<BrowserChannel> onGone) {
    this.session = session;
    this.capacity = capacity;
    this.onGone = onGone;
    this.queue = new ArrayDeque<>(capacity);
    Thread.ofVirtual().name("console-ws-browser").start(this::drain);
  }

  /** Never blocks. */
  void offer(String frame) {
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
      String frame;
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
        session.send(frame, true);
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
