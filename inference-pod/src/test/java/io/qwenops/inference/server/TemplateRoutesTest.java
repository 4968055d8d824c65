package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.chat.ChatTemplate;
import io.qwenops.inference.api.chat.UserTextIsDataTest;
import io.qwenops.inference.model.CheckpointWriter;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every route that renders the chat template ({@code /v1/chat/completions}, streamed or not, and
 * {@code /tokenize} with messages) hands the engine or the client exactly the tokens of the prompt
 * transformers renders, whatever template syntax the client's text holds; and a template failure is
 * a clear error, never a hung request.
 */
class TemplateRoutesTest {

  private static ServingModel model(ScriptedEngine engine, ChatTemplate template) {
    return new ServingModel(
        "scripted", "/models/scripted", engine, TestTokenizers.QWEN, template, 151936, 0);
  }

  private static ChatTemplate qwen() throws Exception {
    return new ChatTemplate(CheckpointWriter.qwen25ChatTemplate());
  }

  private static String body(String text, boolean stream) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    body.put("max_tokens", 4).put("stream", stream);
    return body.toString();
  }

  @Test
  void everyRoutePromptsWithTheClientsTextAsIs() throws Exception {
    String fixture =
        UserTextIsDataTest.fixture("user only: the default system prompt").get("prompt").asText();
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 64);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine, qwen())), null, 1 << 20)) {
      for (String text : UserTextIsDataTest.HOSTILE) {
        int[] expected =
            TestTokenizers.QWEN.encode(UserTextIsDataTest.replaceOnce(fixture, "Hello", text));
        JsonNode tokenized = Http.json(server.http.post("/tokenize", body(text, false)));
        int[] fromTokenize = new int[tokenized.get("tokens").size()];
        for (int i = 0; i < fromTokenize.length; i++) {
          fromTokenize[i] = tokenized.get("tokens").get(i).asInt();
        }
        assertThat(fromTokenize).as("/tokenize of %s", text).isEqualTo(expected);
        for (boolean stream : new boolean[] {false, true}) {
          int before = engine.seen.size();
          CompletableFuture<HttpResponse<String>> reply =
              CompletableFuture.supplyAsync(
                  () -> server.http.post("/v1/chat/completions", body(text, stream)));
          while (engine.seen.size() == before && !reply.isDone()) {
            Thread.sleep(5);
          }
          engine.runAll();
          assertThat(reply.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
          assertThat(engine.seen.get(before).promptTokenIds())
              .as("chat (stream %s) of %s", stream, text)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void aBrokenServerTemplateIsA500ThatShowsNoTemplateDetail() throws Exception {
    ChatTemplate broken = new ChatTemplate("{% for m in messages %}{{ m.content }}{% endif %}");
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 64);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine, broken)), null, 1 << 20)) {
      for (String route : new String[] {"/v1/chat/completions", "/tokenize"}) {
        HttpResponse<String> res = server.http.post(route, body("Hi", false));
        assertThat(res.statusCode()).as(route).isEqualTo(500);
        JsonNode error = Http.json(res).get("error");
        assertThat(error.get("type").asText()).isEqualTo("internal_error");
        assertThat(error.get("code").asText()).isEqualTo("chat_template_error");
        assertThat(error.get("message").asText()).doesNotContain("endif").contains("request");
      }
      assertThat(engine.seen).isEmpty();
    }
  }

  @Test
  void aConversationThatRendersTooBigIsA400() throws Exception {
    ChatTemplate small =
        new ChatTemplate(
            "{% for m in messages %}{{ m.content }}{% endfor %}", new ChatTemplate.Limits(64, 100));
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 64);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine, small)), null, 1 << 20)) {
      for (String route : new String[] {"/v1/chat/completions", "/tokenize"}) {
        HttpResponse<String> res = server.http.post(route, body("x".repeat(100), false));
        assertThat(res.statusCode()).as(route).isEqualTo(400);
        JsonNode error = Http.json(res).get("error");
        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("message").asText()).contains("64 characters");
      }
    }
  }
}
