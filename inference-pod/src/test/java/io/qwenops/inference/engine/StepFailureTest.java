package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failure in any phase of a step, as a client of the real server sees it: an exception fails the
 * request with a generic 500 naming its request id and the server goes on serving (blocks free,
 * arrays closed); an OutOfMemoryError stops the engine: the request and everything queued get a 503
 * at once, health and liveness fail, and new requests get 503 (not 429).
 */
class StepFailureTest {

  /** What an injected fault says; none of it may reach a client. */
  private static final String SECRET = "CUDA error: illegal memory access at /opt/models/secret";

  private static final Faults RUNTIME = new Faults();
  private static FaultyServer survivor;

  @BeforeAll
  static void start() throws Exception {
    survivor = new FaultyServer(RUNTIME);
  }

  @AfterAll
  static void stop() {
    survivor.close();
  }

  /** Throws once, at the chosen phase, after letting {@code skip} earlier calls of it pass. */
  static final class Faults implements StepHook {
    private StepPhase phase;
    private Throwable fault;
    private int skip;
    private int times;

    synchronized void arm(StepPhase phase, Throwable fault, int skip, int times) {
      this.phase = phase;
      this.fault = fault;
      this.skip = skip;
      this.times = times;
    }

    synchronized boolean fired() {
      return times == 0;
    }

    @Override
    public synchronized void before(StepPhase p) {
      if (p != phase || times == 0) {
        return;
      }
      if (skip > 0) {
        skip--;
        return;
      }
      times--;
      if (fault instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) fault;
    }
  }

  /** Calls of a phase to let pass first, so the fault hits a request already under way. */
  private static int skipFor(StepPhase phase) {
    return phase == StepPhase.FINISH ? 0 : 1;
  }

  @ParameterizedTest
  @EnumSource(StepPhase.class)
  void anExceptionInAnyPhaseFailsTheRequestWithAGeneric500AndTheServerGoesOn(StepPhase phase) {
    int arraysBefore = EngineTestSupport.liveArrays();
    RUNTIME.arm(phase, new IllegalStateException(SECRET), skipFor(phase), 1);
    HttpResponse<String> failed = survivor.complete("rt-" + phase, false);
    assertThat(RUNTIME.fired()).isTrue();
    assertInternalError(failed, "rt-" + phase);

    HttpResponse<String> next = survivor.complete("after-" + phase, false);
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    assertThat(FaultyServer.json(next.body()).at("/usage/completion_tokens").asInt()).isEqualTo(6);
    assertThat(survivor.get("/health").statusCode()).isEqualTo(200);
    assertThat(survivor.get("/health/live").statusCode()).isEqualTo(200);
    EngineStats stats = survivor.engine().stats();
    assertThat(stats.running()).isZero();
    assertThat(stats.waiting()).isZero();
    assertThat(stats.kvBlocksFree()).isEqualTo(stats.kvBlocksTotal());
    assertThat(EngineTestSupport.liveArrays()).isEqualTo(arraysBefore);
  }

  @Test
  void aStreamedRequestGetsTheGenericErrorAsItsLastFrame() {
    RUNTIME.arm(StepPhase.FORWARD, new IllegalStateException(SECRET), 2, 1);
    HttpResponse<String> res = survivor.complete("stream-rt", true);
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).doesNotContain("CUDA").doesNotContain("/opt");
    List<String> frames = frames(res.body());
    assertThat(frames.getLast()).isEqualTo("[DONE]");
    JsonNode error = FaultyServer.json(frames.get(frames.size() - 2)).get("error");
    assertThat(error.get("message").asText()).isEqualTo("Internal error (request id stream-rt)");
    assertThat(error.get("type").asText()).isEqualTo("internal_error");
    assertThat(frames.get(0)).contains("\"text\"");
  }

  @ParameterizedTest
  @EnumSource(StepPhase.class)
  void anOutOfMemoryErrorInAnyPhaseStopsTheEngineAndEveryoneGets503AtOnce(StepPhase phase)
      throws Exception {
    Faults faults = new Faults();
    try (FaultyServer server = new FaultyServer(faults)) {
      faults.arm(
          phase, new OutOfMemoryError("Java heap space (" + SECRET + ")"), skipFor(phase), 1);
      assertEngineStopped(server.complete("oom-" + phase, false));
      assertThat(faults.fired()).isTrue();
      assertPodRestarts(server);
    }
  }

  @Test
  void requestsQueuedBehindAStepThatRunsOutOfMemoryGet503NotAHang() throws Exception {
    CountDownLatch inForward = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StepHook hook =
        phase -> {
          if (phase == StepPhase.FORWARD && inForward.getCount() > 0) {
            inForward.countDown();
            await(release);
            throw new OutOfMemoryError("Direct buffer memory");
          }
        };
    try (FaultyServer server = new FaultyServer(hook)) {
      var running = server.completeLater("running", false);
      assertThat(inForward.await(60, TimeUnit.SECONDS)).isTrue();
      var queued = server.completeLater("queued", false);
      var streamed = server.completeLater("streamed", true);
      assertThat(server.submitted.tryAcquire(3, 60, TimeUnit.SECONDS)).isTrue();
      release.countDown();
      assertEngineStopped(running.get(30, TimeUnit.SECONDS));
      assertEngineStopped(queued.get(30, TimeUnit.SECONDS));
      HttpResponse<String> stream = streamed.get(30, TimeUnit.SECONDS);
      // The stream's headers may already be out (200); its one data frame is then the 503 error.
      String streamBody = stream.statusCode() == 200 ? frames(stream.body()).get(0) : stream.body();
      assertThat(FaultyServer.json(streamBody).at("/error/code").asText())
          .isEqualTo("engine_unavailable");
      assertPodRestarts(server);
    }
  }

  @Test
  void stepsThatKeepFailingStopTheEngine() throws Exception {
    Faults faults = new Faults();
    try (FaultyServer server = new FaultyServer(faults)) {
      faults.arm(StepPhase.FORWARD, new IllegalStateException(SECRET), 0, 1000);
      for (int i = 0; i < EngineLoop.MAX_FAILED_STEPS; i++) {
        assertInternalError(server.complete("broken-" + i, false), "broken-" + i);
      }
      assertPodRestarts(server);
    }
  }

  /**
   * The status is the error's, unless the answer had already begun with keep-alive whitespace (a
   * reply slower than {@code Generation.KEEP_ALIVE_NANOS}): then it is 200 and the body is the
   * error all the same (docs/api.md).
   */
  private static void assertStatus(HttpResponse<String> res, int status) {
    if (res.statusCode() == 200 && res.body().startsWith(" ")) {
      return;
    }
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
  }

  private static void assertInternalError(HttpResponse<String> res, String requestId) {
    assertStatus(res, 500);
    assertThat(res.headers().firstValue("X-Request-Id")).hasValue(requestId);
    assertThat(res.body()).doesNotContain("CUDA").doesNotContain("/opt");
    JsonNode error = FaultyServer.json(res.body()).get("error");
    assertThat(error.get("message").asText())
        .isEqualTo("Internal error (request id " + requestId + ")");
    assertThat(error.get("type").asText()).isEqualTo("internal_error");
  }

  private static void assertEngineStopped(HttpResponse<String> res) {
    assertStatus(res, 503);
    assertThat(res.body()).doesNotContain("heap").doesNotContain("CUDA").doesNotContain("/opt");
    JsonNode error = FaultyServer.json(res.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("service_unavailable");
    assertThat(error.get("code").asText()).isEqualTo("engine_unavailable");
  }

  /** Liveness and readiness fail, and new requests are refused at once with 503, never 429. */
  private static void assertPodRestarts(FaultyServer server) {
    assertThat(server.engine().healthy()).isFalse();
    HttpResponse<String> live = server.get("/health/live");
    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(FaultyServer.json(live.body()).get("status").asText()).isEqualTo("failed");
    assertThat(server.get("/health").statusCode()).isEqualTo(503);
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertEngineStopped(server.complete("late-" + i, i % 2 == 0));
    }
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
  }

  private static List<String> frames(String body) {
    return java.util.Arrays.stream(body.split("\n\n"))
        .filter(f -> f.startsWith("data: "))
        .map(f -> f.substring("data: ".length()))
        .toList();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
