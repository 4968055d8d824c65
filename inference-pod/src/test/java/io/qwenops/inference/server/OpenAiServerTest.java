package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Raw HTTP against the real server on the real engine: wire format, fields and errors. */
class OpenAiServerTest {

  final Http http = TinyModel.http();

  static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]";

  @Test
  void chatCompletionHasOpenAiShapeAndUsage() {
    HttpResponse<String> res =
        http.post(
            "/v1/chat/completions",
            "{\"model\":\"qwen-tiny\"," + HELLO + ",\"max_tokens\":5,\"ignore_eos\":true}");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = Http.json(res);
    assertThat(body.get("id").asText()).startsWith("chatcmpl-");
    assertThat(body.get("object").asText()).isEqualTo("chat.completion");
    assertThat(body.get("model").asText()).isEqualTo("qwen-tiny");
    JsonNode choice = body.get("choices").get(0);
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    assertThat(choice.has("logprobs")).isTrue();
    int promptTokens =
        TinyModel.model()
            .tokenizer()
            .encode(
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                    + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n")
            .length;
    assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(promptTokens);
    assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(5);
    assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(promptTokens + 5);
  }

  @Test
  void chatStreamIsFramedAsOpenAi() {
    HttpResponse<String> res =
        http.post(
            "/v1/chat/completions",
            "{"
                + HELLO
                + ",\"max_tokens\":4,\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    assertThat(res.body()).startsWith("data: {").endsWith("data: [DONE]\n\n");
    List<String> events = Http.events(res.body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    JsonNode first = parse(events.getFirst());
    assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(first.get("choices").get(0).get("delta").get("role").asText())
        .isEqualTo("assistant");
    assertThat(first.get("choices").get(0).get("finish_reason").isNull()).isTrue();
    JsonNode last = parse(events.get(events.size() - 3));
    assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    JsonNode usage = parse(events.get(events.size() - 2));
    assertThat(usage.get("choices")).isEmpty();
    assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
    String ids = first.get("id").asText();
    for (String e : events.subList(0, events.size() - 1)) {
      assertThat(parse(e).get("id").asText()).isEqualTo(ids);
    }
    // Without include_usage there is no usage chunk.
    List<String> plain =
        Http.events(
            http.post("/v1/chat/completions", "{" + HELLO + ",\"max_tokens\":2,\"stream\":true}")
                .body());
    assertThat(String.join("", plain)).doesNotContain("usage");
  }

  @Test
  void nChoicesLogprobsAndSeedsAreHonoured() {
    String body =
        "{"
            + HELLO
            + ",\"max_tokens\":3,\"ignore_eos\":true,\"n\":2,\"temperature\":1.0,\"seed\":7,"
            + "\"logprobs\":true,\"top_logprobs\":2}";
    JsonNode a = Http.json(http.post("/v1/chat/completions", body));
    JsonNode b = Http.json(http.post("/v1/chat/completions", body));
    assertThat(a.get("choices")).hasSize(2);
    assertThat(a.get("usage").get("completion_tokens").asInt()).isEqualTo(6);
    JsonNode content = a.get("choices").get(1).get("logprobs").get("content");
    assertThat(content).hasSize(3);
    assertThat(content.get(0).get("logprob").asDouble()).isLessThanOrEqualTo(0);
    assertThat(content.get(0).get("top_logprobs")).hasSize(2);
    assertThat(content.get(0).get("bytes").isArray()).isTrue();
    assertThat(a.get("choices").get(0).get("message").get("content"))
        .isEqualTo(b.get("choices").get(0).get("message").get("content"));
  }

  @Test
  void completionsTakeStringsListsAndTokenIds() {
    JsonNode one =
        Http.json(
            http.post(
                "/v1/completions",
                "{\"prompt\":\"Once upon\",\"max_tokens\":3,\"ignore_eos\":true}"));
    assertThat(one.get("object").asText()).isEqualTo("text_completion");
    assertThat(one.get("id").asText()).startsWith("cmpl-");
    assertThat(one.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    JsonNode two =
        Http.json(
            http.post(
                "/v1/completions",
                "{\"prompt\":[\"a\",\"b c\"],\"max_tokens\":2,\"ignore_eos\":true}"));
    assertThat(two.get("choices")).hasSize(2);
    assertThat(two.get("choices").get(1).get("index").asInt()).isEqualTo(1);
    assertThat(two.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
    JsonNode ids =
        Http.json(
            http.post(
                "/v1/completions",
                "{\"prompt\":[9707,11,1879],\"max_tokens\":2,\"ignore_eos\":true,\"echo\":true}"));
    assertThat(ids.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(ids.get("choices").get(0).get("text").asText()).startsWith("Hello, world");
  }

  @Test
  void legacyLogprobsCanNameTokensById() {
    JsonNode res =
        Http.json(
            http.post(
                "/v1/completions",
                "{\"prompt\":\"Hi\",\"max_tokens\":3,\"ignore_eos\":true,\"logprobs\":2,"
                    + "\"return_tokens_as_token_ids\":true,\"temperature\":0}"));
    JsonNode lp = res.get("choices").get(0).get("logprobs");
    assertThat(lp.get("tokens")).hasSize(3);
    for (JsonNode t : lp.get("tokens")) {
      assertThat(t.asText()).matches("token_id:\\d+");
    }
    assertThat(lp.get("token_logprobs")).hasSize(3);
    assertThat(lp.get("top_logprobs").get(0).size()).isBetween(2, 3);
    assertThat(lp.get("text_offset").get(0).asInt()).isZero();
    // Greedy: the chosen token is the most likely one.
    JsonNode top = lp.get("top_logprobs").get(0);
    String chosen = lp.get("tokens").get(0).asText();
    double best = Double.NEGATIVE_INFINITY;
    for (var it = top.fields(); it.hasNext(); ) {
      best = Math.max(best, it.next().getValue().asDouble());
    }
    assertThat(top.get(chosen).asDouble()).isEqualTo(best);
  }

  @Test
  void completionStreamEndsWithFinishReasonAndDone() {
    HttpResponse<String> res =
        http.post(
            "/v1/completions",
            "{\"prompt\":\"Hi\",\"max_tokens\":3,\"ignore_eos\":true,\"stream\":true,\"echo\":true}");
    List<String> events = Http.events(res.body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    assertThat(parse(events.getFirst()).get("choices").get(0).get("text").asText()).isEqualTo("Hi");
    JsonNode last = parse(events.get(events.size() - 2)).get("choices").get(0);
    assertThat(last.get("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void modelsTokenizeDetokenizeAndVersion() {
    JsonNode models = Http.json(http.get("/v1/models"));
    assertThat(models.get("object").asText()).isEqualTo("list");
    assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("qwen-tiny");
    assertThat(models.get("data").get(0).get("max_model_len").asInt())
        .isEqualTo(TinyModel.MAX_MODEL_LEN);
    JsonNode tokens = Http.json(http.post("/tokenize", "{\"prompt\":\"Hello, world\"}"));
    assertThat(tokens.get("tokens").toString()).isEqualTo("[9707,11,1879]");
    assertThat(tokens.get("count").asInt()).isEqualTo(3);
    JsonNode text = Http.json(http.post("/detokenize", "{\"tokens\":[9707,11,1879]}"));
    assertThat(text.get("prompt").asText()).isEqualTo("Hello, world");
    JsonNode chat = Http.json(http.post("/tokenize", "{" + HELLO + "}"));
    assertThat(chat.get("tokens").get(0).asInt()).isEqualTo(151644);
    assertThat(Http.json(http.get("/version")).get("version").asText()).isNotBlank();
  }

  @Test
  void requestIdsAreEchoedOrMade() {
    HttpResponse<String> given = http.get("/v1/models", "X-Request-Id", "abc-123");
    assertThat(given.headers().firstValue("X-Request-Id")).hasValue("abc-123");
    HttpResponse<String> made = http.get("/health");
    assertThat(made.headers().firstValue("X-Request-Id"))
        .hasValueSatisfying(v -> assertThat(v).hasSize(32));
    JsonNode chat =
        Http.json(
            http.post(
                "/v1/chat/completions",
                "{" + HELLO + ",\"max_tokens\":1}",
                "X-Request-Id",
                "r-42"));
    assertThat(chat.get("id").asText()).isEqualTo("chatcmpl-r-42");
  }

  @Test
  void twoRequestsWithTheSameIdBothComplete() throws Exception {
    String body = "{\"prompt\":\"Hi\",\"max_tokens\":4,\"ignore_eos\":true}";
    var a =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> http.post("/v1/completions", body, "X-Request-Id", "same"));
    var b =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> http.post("/v1/completions", body, "X-Request-Id", "same"));
    for (HttpResponse<String> res : List.of(a.get(), b.get())) {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(Http.json(res).get("usage").get("completion_tokens").asInt()).isEqualTo(4);
    }
  }

  @Test
  void healthAndMetricsAreServed() {
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
    http.post("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":2,\"ignore_eos\":true}");
    HttpResponse<String> metrics = http.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("vllm:num_requests_running{model_name=\"qwen-tiny\"}")
        .contains("vllm:kv_cache_usage_perc{model_name=\"qwen-tiny\"}")
        .contains("vllm:request_success_total{finished_reason=\"length\",model_name=\"qwen-tiny\"}")
        .contains("vllm:time_to_first_token_seconds_count{model_name=\"qwen-tiny\"}")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_seconds_total");
    assertThat(counter(metrics.body(), "vllm:generation_tokens_total")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aStopStringCutsTheReplyWithFinishReasonStop() {
    String greedy =
        "{\"prompt\":\"Once upon a time\",\"max_tokens\":12,\"ignore_eos\":true,\"temperature\":0";
    String full =
        Http.json(http.post("/v1/completions", greedy + "}"))
            .get("choices")
            .get(0)
            .get("text")
            .asText();
    // Two characters from the middle (on code-point boundaries): the reply must end before them.
    int from = full.offsetByCodePoints(0, full.codePointCount(0, full.length()) / 2);
    String stop = full.substring(from, full.offsetByCodePoints(from, 2));
    int cut = full.indexOf(stop);
    JsonNode stopped =
        Http.json(
                http.post(
                    "/v1/completions", greedy + ",\"stop\":" + Http.JSON.valueToTree(stop) + "}"))
            .get("choices")
            .get(0);
    assertThat(stopped.get("text").asText()).isEqualTo(full.substring(0, cut));
    assertThat(stopped.get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void concurrentStreamsEachGetTheirOwnTokens() throws Exception {
    String[] prompts = {"Alpha", "Bravo charlie", "Delta echo foxtrot", "Golf"};
    String[] alone = new String[prompts.length];
    for (int i = 0; i < prompts.length; i++) {
      alone[i] = completion(prompts[i], false);
    }
    var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    List<java.util.concurrent.Future<String>> together = new java.util.ArrayList<>();
    for (String p : prompts) {
      together.add(pool.submit(() -> completion(p, true)));
    }
    for (int i = 0; i < prompts.length; i++) {
      assertThat(together.get(i).get()).as(prompts[i]).isEqualTo(alone[i]);
    }
    pool.close();
  }

  /** Greedy text of 8 tokens, streamed (deltas joined) or not. */
  String completion(String prompt, boolean stream) {
    String body =
        "{\"prompt\":"
            + Http.JSON.valueToTree(prompt)
            + ",\"max_tokens\":8,\"ignore_eos\":true,\"temperature\":0,\"stream\":"
            + stream
            + "}";
    HttpResponse<String> res = http.post("/v1/completions", body);
    if (!stream) {
      return Http.json(res).get("choices").get(0).get("text").asText();
    }
    StringBuilder text = new StringBuilder();
    for (String e : Http.events(res.body())) {
      if (!e.equals("[DONE]")) {
        text.append(parse(e).get("choices").get(0).get("text").asText());
      }
    }
    return text.toString();
  }

  // ---- errors ----

  @Test
  void malformedJsonIs400() {
    assertError(
        http.post("/v1/chat/completions", "{\"messages\": ["),
        400,
        "invalid_request_error",
        null,
        "not valid JSON");
  }

  @Test
  void invalidValuesAre400NamingTheField() {
    assertError(
        http.post("/v1/chat/completions", "{" + HELLO + ",\"temperature\":-1}"),
        400,
        "invalid_request_error",
        "temperature",
        "temperature");
    assertError(
        http.post("/v1/chat/completions", "{" + HELLO + ",\"max_tokens\":\"many\"}"),
        400,
        "invalid_request_error",
        "max_tokens",
        "integer");
    assertError(
        http.post("/v1/chat/completions", "{\"messages\":[]}"),
        400,
        "invalid_request_error",
        "messages",
        "messages");
    assertError(
        http.post(
            "/v1/chat/completions", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"),
        400,
        "invalid_request_error",
        "messages",
        "role");
    assertError(
        http.post("/v1/completions", "{\"prompt\":[999999999]}"),
        400,
        "invalid_request_error",
        "prompt",
        "vocabulary");
    assertError(
        http.post("/v1/chat/completions", "{" + HELLO + ",\"top_logprobs\":3}"),
        400,
        "invalid_request_error",
        "top_logprobs",
        "logprobs");
  }

  @Test
  void promptPlusMaxTokensBeyondContextIs400WithBothNumbers() {
    HttpResponse<String> res =
        http.post("/v1/completions", "{\"prompt\":\"Hello\",\"max_tokens\":1000}");
    assertError(res, 400, "invalid_request_error", "max_tokens", "256");
    assertThat(Http.json(res).get("error").get("message").asText())
        .contains("1001")
        .contains("1 in the prompt");
    StringBuilder longPrompt = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      longPrompt.append(" hello");
    }
    assertError(
        http.post("/v1/completions", "{\"prompt\":\"" + longPrompt + "\"}"),
        400,
        "invalid_request_error",
        "prompt",
        "300");
  }

  @Test
  void unknownModelAndRouteAre404() {
    assertError(
        http.post("/v1/chat/completions", "{\"model\":\"gpt-9\"," + HELLO + "}"),
        404,
        "invalid_request_error",
        "model",
        "gpt-9");
    assertError(http.get("/v1/nothing"), 404, "invalid_request_error", null, "/v1/nothing");
    assertError(http.get("/v1/models/gpt-9"), 404, "invalid_request_error", "model", "gpt-9");
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"prompt\":\"" + "x".repeat(70 * 1024) + "\"}";
    assertError(http.post("/v1/completions", big), 413, "invalid_request_error", null, "65536");
  }

  static void assertError(
      HttpResponse<String> res, int status, String type, String param, String inMessage) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonNode error = Http.json(res).get("error");
    assertThat(error.get("type").asText()).isEqualTo(type);
    assertThat(error.has("code")).isTrue();
    if (param == null) {
      assertThat(error.get("param").isNull()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
    }
    assertThat(error.get("message").asText()).contains(inMessage);
  }

  static double counter(String exposition, String name) {
    return exposition
        .lines()
        .filter(l -> l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static JsonNode parse(String json) {
    try {
      return Http.JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }
}
