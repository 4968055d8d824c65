package io.qwenops.inference.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.engine.EngineStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hostile request bodies against every route of the real server: each gets a 2xx (a body that
 * happens to be valid) or a 4xx in OpenAI's error shape, in time; afterwards the server is healthy
 * and answers a normal request exactly as before.
 */
@Tag("reliability")
class HostileBodiesTest {

  static final long SEED = 20261204L;
  private static final int CLIENTS = 4;

  /** Every route the routing code registers (OpenAiRouting, MetricsService), plus no route. */
  private static final Set<String> ROUTES =
      Set.of(
          "POST /v1/chat/completions",
          "POST /v1/completions",
          "POST /tokenize",
          "POST /detokenize",
          "GET /v1/models",
          "GET /v1/models/{id}",
          "GET /health",
          "GET /health/live",
          "GET /version",
          "GET /metrics",
          "(no route)");

  private static SuiteServer server;

  @BeforeAll
  static void start() {
    server = new SuiteServer();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyHostileBodyGetsA2xxOrAnOpenAiErrorAndTheServerKeepsServing() throws Exception {
    String before = greedyAnswer();
    List<Attack> attacks =
        new HostileBodies(SEED).all().stream().filter(a -> a.pending() == null).toList();
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(500);
    assertThat(attacks.stream().map(Attack::route).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(ROUTES);

    long start = System.nanoTime();
    Outcomes outcomes = run(attacks);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "Hostile bodies: %d requests in %.1f s (seed %d, %d clients)%n%s",
        attacks.size(), seconds, SEED, CLIENTS, outcomes.table());

    assertThat(outcomes.failures()).as("wrong replies").isEmpty();
    EngineStats idle = server.awaitIdle();
    assertThat(idle.kvBlocksFree()).isEqualTo(idle.kvBlocksTotal());
    RawHttp.Reply health =
        server
            .http()
            .exchange("GET", "/health", null, RawHttp.Framing.LENGTH, Duration.ofSeconds(10));
    assertThat(health.status()).isEqualTo(200);
    assertThat(greedyAnswer()).as("the same greedy answer as before the attack").isEqualTo(before);
  }

  /**
   * What the server must do since issue 12 items 1-3: huge stop, tools and prompt lists are refused
   * with a 400, template code in user text is not run (it costs nothing and reaches the prompt byte
   * for byte).
   */
  @Test
  void hugeListsAndTemplateCodeAreRefusedOrPassedThroughVerbatim() throws Exception {
    List<Attack> pending =
        new HostileBodies(SEED).all().stream().filter(a -> a.pending() != null).toList();
    assertThat(pending).isNotEmpty();
    Outcomes outcomes = run(pending);
    System.out.print(outcomes.table());
    assertThat(outcomes.failures()).isEmpty();

    String control = renderedUserText("SAFE");
    for (String text : concat(HostileBodies.TEMPLATE_TEXT, HostileBodies.TEMPLATE_BOMBS)) {
      assertThat(renderedUserText(text)).isEqualTo(control.replace("SAFE", text));
    }
  }

  private static Outcomes run(List<Attack> attacks) throws InterruptedException {
    Outcomes outcomes = new Outcomes();
    RawHttp http = server.http();
    try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
      for (Attack a : attacks) {
        pool.submit(() -> attack(http, a, outcomes));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).isTrue();
    }
    return outcomes;
  }

  private static void attack(RawHttp http, Attack a, Outcomes outcomes) {
    long start = System.nanoTime();
    String outcome;
    String failure;
    try {
      RawHttp.Reply reply = http.exchange(a.method(), a.path(), a.body(), a.framing(), TIMEOUT);
      outcome = String.valueOf(reply.status());
      failure = Outcomes.judge(a, reply);
    } catch (RawHttp.Hang e) {
      outcome = "hang";
      failure = e.getMessage();
    } catch (IOException | RuntimeException e) {
      outcome = "broken";
      failure = e.toString();
    }
    outcomes.record(a, outcome, failure, (System.nanoTime() - start) / 1000);
  }

  /** Per request; the biggest bodies are parsed and tokenized in well under this on 2 cores. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static String greedyAnswer() throws Exception {
    String body =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
            + "\"max_tokens\":12,\"temperature\":0,\"ignore_eos\":true}";
    RawHttp.Reply reply =
        server
            .http()
            .exchange(
                "POST",
                RequestShapes.CHAT,
                body.getBytes(StandardCharsets.UTF_8),
                RawHttp.Framing.LENGTH,
                Duration.ofSeconds(30));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode json = RequestShapes.JSON.readTree(reply.body());
    assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(12);
    return json.at("/choices/0/message/content").asText();
  }

  /** The prompt /tokenize renders for one user message, read back through /detokenize. */
  private static String renderedUserText(String text) throws Exception {
    var body = RequestShapes.JSON.createObjectNode();
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    RawHttp.Reply tokens =
        server
            .http()
            .exchange(
                "POST",
                "/tokenize",
                RequestShapes.bytes(body),
                RawHttp.Framing.LENGTH,
                Duration.ofSeconds(10));
    assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
    var ids = RequestShapes.JSON.createObjectNode();
    ids.set("tokens", RequestShapes.JSON.readTree(tokens.body()).get("tokens"));
    RawHttp.Reply prompt =
        server
            .http()
            .exchange(
                "POST",
                "/detokenize",
                RequestShapes.bytes(ids),
                RawHttp.Framing.LENGTH,
                Duration.ofSeconds(10));
    return RequestShapes.JSON.readTree(prompt.body()).get("prompt").asText();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
