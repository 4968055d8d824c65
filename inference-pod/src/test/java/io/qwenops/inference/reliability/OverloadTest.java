package io.qwenops.inference.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.engine.EngineStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ten times more simultaneous requests than the waiting queue holds ({@code --max-waiting 4}, two
 * running seats): the excess is refused at once with 429, {@code Retry-After} and OpenAI's error
 * body; every accepted request completes with the answer it gets alone.
 */
@Tag("reliability")
class OverloadTest {

  private static final int QUEUE = 4;
  private static final int SEATS = 2;
  private static final int CLIENTS = 10 * QUEUE;
  private static final String BODY =
      "{\"prompt\":\"Once upon a time\",\"max_tokens\":48,\"temperature\":0,\"ignore_eos\":true}";

  private static SuiteServer server;

  @BeforeAll
  static void start() {
    server = new SuiteServer("--max-num-seqs", String.valueOf(SEATS), "--max-waiting", "" + QUEUE);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theExcessGets429WithRetryAfterAndEveryAcceptedRequestCompletes() throws Exception {
    String alone = text(send());
    List<RawHttp.Reply> replies = new ArrayList<>();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RawHttp.Reply>> futures = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return send();
                }));
      }
      go.countDown();
      for (Future<RawHttp.Reply> f : futures) {
        replies.add(f.get(2, TimeUnit.MINUTES));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<RawHttp.Reply> accepted = replies.stream().filter(r -> r.status() == 200).toList();
    List<RawHttp.Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
    System.out.printf(
        "Overload: %d simultaneous requests, %d seats + a queue of %d: %d accepted, %d refused"
            + " (429) in %.1f s%n",
        CLIENTS, SEATS, QUEUE, accepted.size(), refused.size(), seconds);

    assertThat(accepted.size() + refused.size()).as("only 200s and 429s").isEqualTo(CLIENTS);
    assertThat(accepted.size()).as("the seats and the queue were used").isGreaterThan(SEATS);
    assertThat(refused.size()).as("most of the excess was refused").isGreaterThan(CLIENTS / 2);
    for (RawHttp.Reply r : accepted) {
      assertThat(text(r)).as("an accepted request's answer").isEqualTo(alone);
    }
    for (RawHttp.Reply r : refused) {
      assertThat(Outcomes.errorShape(r)).isNull();
      assertThat(Integer.parseInt(r.headers().get("retry-after"))).isPositive();
      JsonNode error = RequestShapes.JSON.readTree(r.body()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
    }
    EngineStats idle = server.awaitIdle();
    assertThat(idle.kvBlocksFree()).isEqualTo(idle.kvBlocksTotal());
    assertThat(text(send())).as("served normally afterwards").isEqualTo(alone);
  }

  private static RawHttp.Reply send() throws Exception {
    return server
        .http()
        .exchange(
            "POST",
            RequestShapes.COMPLETIONS,
            BODY.getBytes(StandardCharsets.UTF_8),
            RawHttp.Framing.LENGTH,
            Duration.ofSeconds(90));
  }

  /** The completion's text, after checking it ran to its full length. */
  private static String text(RawHttp.Reply reply) throws Exception {
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode json = RequestShapes.JSON.readTree(reply.body());
    assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(48);
    return json.at("/choices/0/text").asText();
  }
}
