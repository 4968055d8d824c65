package io.qwenops.inference.api.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.Json;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Lists and numbers that would cost the step thread work per token (stop strings, stop token ids,
 * tools for guided decoding, top-k) are capped where the body is read, with a 400 naming the field.
 */
class RequestCapsTest {

  private static final int VOCAB = 151936;

  private static ObjectNode chat() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("messages").addObject().put("role", "user").put("content", "Hi");
    return body;
  }

  private static void assertRefused(ObjectNode body, String param, String inMessage) {
    for (boolean completions : new boolean[] {false, true}) {
      ObjectNode b = body.deepCopy();
      if (completions && !param.equals("tools")) {
        b.remove("messages");
        b.put("prompt", "Hi");
      }
      if (completions && param.equals("tools")) {
        continue;
      }
      assertThatThrownBy(
              () -> {
                if (completions) {
                  CompletionRequest.read(b, VOCAB);
                } else {
                  ChatRequest.read(b, VOCAB);
                }
              })
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.param()).isEqualTo(param);
              })
          .hasMessageContaining(inMessage);
    }
  }

  private static ObjectNode with(Consumer<ObjectNode> change) {
    ObjectNode body = chat();
    change.accept(body);
    return body;
  }

  @Test
  void aMillionStopStringsOrOneHugeOneIs400() {
    assertRefused(
        with(
            b -> {
              ArrayNode stop = b.putArray("stop");
              for (int i = 0; i < 1_000_000; i++) {
                stop.add("s" + i);
              }
            }),
        "stop",
        "at most " + RequestLimits.MAX_STOP_STRINGS);
    assertRefused(
        with(b -> b.put("stop", "x".repeat(RequestLimits.MAX_STOP_LENGTH + 1))),
        "stop",
        "at most " + RequestLimits.MAX_STOP_LENGTH + " characters");
    ObjectNode fine = with(b -> b.putArray("stop").add("a").add("b").add("c").add("d"));
    assertThat(ChatRequest.read(fine, VOCAB).sampling().stop()).containsExactly("a", "b", "c", "d");
  }

  @Test
  void tooManyStopTokenIdsIs400() {
    assertRefused(
        with(
            b -> {
              ArrayNode ids = b.putArray("stop_token_ids");
              for (int i = 0; i <= RequestLimits.MAX_STOP_TOKEN_IDS; i++) {
                ids.add(i);
              }
            }),
        "stop_token_ids",
        "at most " + RequestLimits.MAX_STOP_TOKEN_IDS);
  }

  @Test
  void topKIsOffAtMinusOneOrZeroAndCappedAtTheVocabulary() {
    for (int k : new int[] {-1, 0, 1, 50, VOCAB}) {
      assertThat(ChatRequest.read(with(b -> b.put("top_k", k)), VOCAB).sampling().topK())
          .isEqualTo(k);
    }
    assertRefused(with(b -> b.put("top_k", VOCAB + 1)), "top_k", "between -1 and " + VOCAB);
    assertRefused(with(b -> b.put("top_k", -2)), "top_k", "between -1 and " + VOCAB);
  }

  @Test
  void tooManyToolsLongNamesOrHugeSchemasAre400() {
    assertRefused(
        with(
            b -> {
              ArrayNode tools = b.putArray("tools");
              for (int i = 0; i < 1500; i++) {
                tools
                    .addObject()
                    .put("type", "function")
                    .putObject("function")
                    .put("name", "f" + i);
              }
              b.put("tool_choice", "required").put("temperature", 1.0);
            }),
        "tools",
        "at most " + RequestLimits.MAX_TOOLS);
    assertRefused(
        with(
            b ->
                b.putArray("tools")
                    .addObject()
                    .putObject("function")
                    .put("name", "n".repeat(RequestLimits.MAX_TOOL_NAME_LENGTH + 1))),
        "tools",
        "function.name");
    assertRefused(
        with(
            b ->
                b.putArray("tools")
                    .addObject()
                    .putObject("function")
                    .put("name", "big")
                    .put("description", "d".repeat(RequestLimits.MAX_TOOLS_JSON_CHARS))),
        "tools",
        "at most " + RequestLimits.MAX_TOOLS_JSON_CHARS);
  }
}
