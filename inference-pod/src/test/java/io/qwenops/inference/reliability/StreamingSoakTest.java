package io.qwenops.inference.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.engine.EngineStats;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 2,000 streamed requests at concurrency 32 against the real server, 30% of them cut by the client
 * at a random point: every stream that is read to its end is well formed, nothing is a 5xx, and
 * afterwards every KV block is free and the engine holds as many NDArrays as before.
 */
@Tag("reliability")
class StreamingSoakTest {

  static final long SEED = 20261205L;
  static final int REQUESTS = 2000;
  static final int CONCURRENCY = 32;
  static final double CUT_SHARE = 0.3;

  private static SuiteServer server;

  @BeforeAll
  static void start() {
    server = new SuiteServer("--max-waiting", "256");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** One planned request: its body, how many choices it streams, and where the client cuts. */
  record Plan(int index, String path, String body, int choices, boolean usage, int cutAfterBytes) {
    boolean cut() {
      return cutAfterBytes >= 0;
    }
  }

  @Test
  void cutAndFinishedStreamsLeaveNoBlocksNoArraysAndNoMalformedStream() throws Exception {
    RawHttp http = server.http();
    Plan warm = plans(new SplittableRandom(1), 1).getFirst();
    read(http, new Plan(0, warm.path(), warm.body(), warm.choices(), warm.usage(), -1));
    server.awaitIdle();
    int baseline = SuiteServer.liveArrays();

    List<Plan> plans = plans(new SplittableRandom(SEED), REQUESTS);
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
      List<Future<?>> done = new ArrayList<>();
      for (Plan p : plans) {
        done.add(
            pool.submit(
                () -> {
                  String outcome;
                  try {
                    outcome = p.cut() ? cut(http, p) : read(http, p);
                  } catch (AssertionError | Exception e) {
                    failures.add("#" + p.index() + " " + p.body() + ": " + e);
                    outcome = "failed";
                  }
                  outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    EngineStats idle = server.awaitIdle();
    int arrays = SuiteServer.liveArrays();
    long cuts = plans.stream().filter(Plan::cut).count();
    System.out.printf(
        "Soak: %d streamed requests (%d cut by the client) at concurrency %d in %.1f s (seed %d)%n"
            + "  outcomes %s%n  KV blocks free %d/%d, live NDArrays %d (baseline %d)%n",
        REQUESTS,
        cuts,
        CONCURRENCY,
        seconds,
        SEED,
        new java.util.TreeMap<>(outcomes),
        idle.kvBlocksFree(),
        idle.kvBlocksTotal(),
        arrays,
        baseline);

    assertThat(failures).as("failed requests (first of them)").isEmpty();
    assertThat(cuts).isBetween(500L, 700L);
    assertThat(outcomes.get("cut").get()).as("streams cut mid-way").isGreaterThan(500);
    assertThat(outcomes.get("finished").get()).isGreaterThanOrEqualTo(REQUESTS - (int) cuts);
    assertThat(idle.running()).isZero();
    assertThat(idle.waiting()).isZero();
    assertThat(idle.kvBlocksFree()).isEqualTo(idle.kvBlocksTotal());
    assertThat(arrays).as("live NDArrays after the soak").isEqualTo(baseline);
    assertThat(read(http, new Plan(0, warm.path(), warm.body(), 1, warm.usage(), -1)))
        .isEqualTo("finished");
  }

  /**
   * Chat and completions, 1-4 tokens (a short soak fits CI), one or two choices, greedy or seeded,
   * some with usage.
   */
  static List<Plan> plans(SplittableRandom random, int count) {
    List<Plan> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean chat = random.nextBoolean();
      int n = random.nextInt(5) == 0 ? 2 : 1;
      boolean usage = random.nextBoolean();
      StringBuilder b = new StringBuilder("{");
      if (chat) {
        b.append("\"messages\":[{\"role\":\"user\",\"content\":\"Story ")
            .append(random.nextInt(1000))
            .append("\"}]");
      } else {
        b.append("\"prompt\":\"Once upon a time ").append(random.nextInt(1000)).append('"');
      }
      b.append(",\"max_tokens\":").append(random.nextInt(1, 5));
      b.append(",\"n\":").append(n);
      if (random.nextBoolean()) {
        b.append(",\"temperature\":0");
      } else {
        b.append(",\"temperature\":0.8,\"top_k\":20,\"seed\":").append(random.nextInt());
      }
      if (random.nextInt(8) == 0) {
        b.append(chat ? ",\"logprobs\":true,\"top_logprobs\":2" : ",\"logprobs\":2");
      }
      if (random.nextInt(4) == 0) {
        b.append(",\"stop\":[\"e\",\"\\n\"]");
      }
      b.append(",\"stream\":true,\"stream_options\":{\"include_usage\":")
          .append(usage)
          .append("}}");
      // Most streams here are 600-1,500 bytes: a point in the first 700 cuts nearly all of them.
      int cutAt = random.nextDouble() < CUT_SHARE ? random.nextInt(0, 700) : -1;
      out.add(
          new Plan(
              i,
              chat ? RequestShapes.CHAT : RequestShapes.COMPLETIONS,
              b.toString(),
              n,
              usage,
              cutAt));
    }
    return out;
  }

  /** Reads the whole stream and checks it: 200, well-formed SSE, one finish per choice, usage. */
  static String read(RawHttp http, Plan p) throws IOException, RawHttp.Hang {
    try (Socket socket = http.open(p.path(), p.body())) {
      socket.setSoTimeout(60_000);
      RawHttp.Reply reply =
          RawHttp.read(socket.getInputStream(), System.nanoTime() + 60_000_000_000L, p.path());
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      SseStream stream = SseStream.parse(reply.text());
      Map<Integer, String> finished = stream.check();
      assertThat(finished).as(reply.text()).hasSize(p.choices());
      assertThat(finished.values()).allMatch(r -> r.equals("length") || r.equals("stop"));
      JsonNode last = stream.chunks().getLast();
      if (p.usage()) {
        assertThat(last.path("usage").path("completion_tokens").asInt()).isPositive();
      }
      return "finished";
    }
  }

  /**
   * Reads up to {@code cutAfterBytes} of the reply, then closes the socket. A stream that ended
   * before the cut is "ended before the cut"; a status seen before the cut must not be a 5xx.
   */
  static String cut(RawHttp http, Plan p) throws IOException {
    try (Socket socket = http.open(p.path(), p.body())) {
      socket.setSoTimeout(60_000);
      InputStream in = socket.getInputStream();
      byte[] seen = new byte[p.cutAfterBytes()];
      int have = 0;
      while (have < seen.length) {
        int n = in.read(seen, have, seen.length - have);
        if (n < 0) {
          break;
        }
        have += n;
        String head = new String(seen, 0, have, StandardCharsets.ISO_8859_1);
        if (head.length() >= 12) {
          assertThat(head.substring(9, 12)).as(head).isEqualTo("200");
        }
        if (head.contains("data: [DONE]")) {
          return "ended before the cut";
        }
      }
      return "cut";
    }
  }
}
