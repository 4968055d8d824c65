package io.qwenops.operator.console.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one upstream WebSocket to a pod's gpu-exporter, shared by every browser that subscribes to
 * the pod. It connects while anyone is subscribed, reconnects with backoff, keeps the last {@code
 * hello} and a rolling buffer of samples, and tells subscribers its state (connecting, up, down
 * with the reason and the retry delay). Every upstream frame is wrapped once and offered to each
 * subscriber's queue.
 */
final class ExporterLink {

  static final long BUFFER_MS = Duration.ofMinutes(15).toMillis();

  /** The exporter caps this at its own history length. */
  static final int UPSTREAM_HISTORY_SECONDS = 900;

  private final PodKey key;
  private final Supplier<Optional<URI>> locator;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Backoff backoff;
  private final String prefix;
  private final Set<BrowserChannel> subscribers = new LinkedHashSet<>();
  private final SampleBuffer buffer = new SampleBuffer(BUFFER_MS);

  private String state = "down";
  private String reason;
  private Long retryInMs;
  private String lastHello;
  private WebSocket socket;
  private ScheduledFuture<?> retry;
  private int failures;
  private long generation;
  private boolean wanted;

  ExporterLink(
      PodKey key,
      Supplier<Optional<URI>> locator,
      HttpClient http,
      ScheduledExecutorService timer,
      Backoff backoff) {
    this.key = key;
    this.locator = locator;
    this.http = http;
    this.timer = timer;
    this.backoff = backoff;
    this.prefix = TelemetryFrames.framePrefix(key);
  }

  synchronized void subscribe(BrowserChannel browser, long historySeconds) {
    subscribers.add(browser);
    browser.offer(statusFrame());
    if (lastHello != null) {
      browser.offer(TelemetryFrames.wrap(prefix, lastHello));
      browser.offer(
          TelemetryFrames.wrap(prefix, TelemetryFrames.history(buffer.last(historySeconds))));
    }
    if (!wanted) {
      wanted = true;
      failures = 0;
      connect();
    }
  }

  synchronized void unsubscribe(BrowserChannel browser) {
    subscribers.remove(browser);
    if (subscribers.isEmpty() && wanted) {
      stopUpstream();
      state = "down";
      reason = "no browser subscribed";
      retryInMs = null;
    }
  }

  /** Drops the upstream socket and any retry for good (the gateway stops). */
  synchronized void close() {
    stopUpstream();
  }

  /** No socket and no retry from now on; late callbacks of the old socket are ignored. */
  private void stopUpstream() {
    wanted = false;
    generation++;
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
    if (socket != null) {
      socket.abort();
      socket = null;
    }
  }

  synchronized boolean connected() {
    return socket != null && "up".equals(state);
  }

  synchronized int subscriberCount() {
    return subscribers.size();
  }

  private void connect() {
    retry = null;
    Optional<URI> uri = locator.get();
    if (uri.isEmpty()) {
      down("the pod is gone or runs no gpu-exporter");
      return;
    }
    URI target = URI.create(uri.get() + "?historySeconds=" + UPSTREAM_HISTORY_SECONDS);
    long mine = ++generation;
    setState("connecting", null, null);
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(target, new Listener(mine))
        .whenComplete(
            (ws, error) -> {
              synchronized (ExporterLink.this) {
                if (mine != generation) {
                  if (ws != null) {
                    ws.abort();
                  }
                  return;
                }
                if (error != null) {
                  down("cannot connect to " + uri.get() + ": " + rootMessage(error));
                  return;
                }
                socket = ws;
                failures = 0;
                setState("up", null, null);
              }
            });
  }

  /** Marks the stream down and schedules the next attempt while anyone is subscribed. */
  private void down(String why) {
    socket = null;
    generation++;
    if (!wanted) {
      return;
    }
    long delay = backoff.delayMs(failures++);
    setState("down", why, delay);
    retry =
        timer.schedule(
            () -> {
              synchronized (ExporterLink.this) {
                if (wanted && retry != null) {
                  connect();
                }
              }
            },
            delay,
            TimeUnit.MILLISECONDS);
  }

  private void setState(String newState, String newReason, Long newRetry) {
    state = newState;
    reason = newReason;
    retryInMs = newRetry;
    broadcast(statusFrame());
  }

  private String statusFrame() {
    return TelemetryFrames.status(key, state, reason, retryInMs);
  }

  private void broadcast(String frame) {
    broadcast(new BrowserChannel.Outbound(frame, BrowserChannel.UNTIMED));
  }

  /** One shared frame offered to every subscriber's queue: no per-browser copy or JSON work. */
  private void broadcast(BrowserChannel.Outbound frame) {
    for (BrowserChannel browser : subscribers) {
      browser.offer(frame);
    }
  }

  private synchronized void onFrame(long mine, String text, long arrivedNanos) {
    if (mine != generation) {
      return;
    }
    FrameHead head;
    try {
      head = FrameHead.of(text);
    } catch (Exception e) {
      return; // not JSON: the exporter never sends that; ignore rather than break the stream
    }
    switch (head.type()) {
      case "hello" -> {
        lastHello = text;
        broadcast(new BrowserChannel.Outbound(TelemetryFrames.wrap(prefix, text), arrivedNanos));
      }
      case "sample" -> {
        if (buffer.add(head.timeMs(), text)) {
          broadcast(new BrowserChannel.Outbound(TelemetryFrames.wrap(prefix, text), arrivedNanos));
        }
      }
      case "history" -> {
        // On (re)connect: keep and pass on only the samples newer than what the buffer holds.
        JsonNode frame;
        try {
          frame = Json.read(text);
        } catch (Exception e) {
          return;
        }
        List<String> fresh = new ArrayList<>();
        for (JsonNode sample : frame.path("samples")) {
          String json = sample.toString();
          if (buffer.add(sample.path("timeMs").asLong(), json)) {
            fresh.add(json);
          }
        }
        if (!fresh.isEmpty()) {
          broadcast(TelemetryFrames.wrap(prefix, TelemetryFrames.history(fresh)));
        }
      }
      default ->
          broadcast(new BrowserChannel.Outbound(TelemetryFrames.wrap(prefix, text), arrivedNanos));
    }
  }

  private synchronized void onGone(long mine, String why) {
    if (mine != generation) {
      return;
    }
    down(why);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Callbacks of one socket; {@code generation} tells a stale socket's from the current one's. */
  private final class Listener implements WebSocket.Listener {
    private final long mine;
    private final StringBuilder partial = new StringBuilder();

    Listener(long mine) {
      this.mine = mine;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      long arrivedNanos = System.nanoTime();
      String text;
      if (last && partial.isEmpty()) {
        text = data.toString(); // the common case: the whole frame arrived in one piece
      } else {
        partial.append(data);
        if (!last) {
          ws.request(1);
          return null;
        }
        text = partial.toString();
        partial.setLength(0);
      }
      onFrame(mine, text, arrivedNanos);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String why) {
      onGone(
          mine,
          "the exporter closed the stream (" + statusCode + (why.isEmpty() ? "" : " " + why) + ")");
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      onGone(mine, "the stream failed: " + rootMessage(error));
    }
  }
}
