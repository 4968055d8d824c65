package io.qwenops.inference.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.chat.ChatMessages;
import io.qwenops.inference.api.chat.ChatTemplateException;
import io.qwenops.inference.api.wire.ChatRequest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's {@code POST /tokenize} ({@code prompt} or chat {@code messages}) and {@code POST
 * /detokenize} ({@code tokens}), for clients that count or check tokens exactly.
 */
public final class TokenizeService implements HttpService {

  private final ModelSlot slot;
  private final long maxBodyBytes;

  public TokenizeService(ModelSlot slot, long maxBodyBytes) {
    this.slot = slot;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/tokenize", this::tokenize).post("/detokenize", this::detokenize);
  }

  private void tokenize(ServerRequest req, ServerResponse res) {
    ServingModel model = slot.require();
    JsonNode body = object(RequestBodies.json(req, maxBodyBytes));
    model.checkRequested(body.path("model").isTextual() ? body.get("model").asText() : null);
    String text;
    if (body.path("prompt").isTextual()) {
      text = body.get("prompt").asText();
    } else if (body.hasNonNull("messages")) {
      JsonNode messages = ChatRequest.messages(body);
      JsonNode tools = ChatRequest.tools(body);
      boolean generationPrompt = body.path("add_generation_prompt").asBoolean(true);
      try {
        text =
            model
                .chatTemplate()
                .render(
                    ChatMessages.forTemplate(messages),
                    ChatMessages.tools(tools),
                    generationPrompt);
      } catch (ChatTemplateException e) {
        throw ApiException.invalid(e.getMessage(), "messages");
      }
    } else {
      throw ApiException.invalid("Give 'prompt' (a string) or 'messages' (a list)", "prompt");
    }
    int[] ids = model.tokenizer().encode(text);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", ids.length);
    out.put("max_model_len", model.maxModelLen());
    out.put("tokens", Arrays.stream(ids).boxed().toList());
    ModelsService.send(res, out);
  }

  private void detokenize(ServerRequest req, ServerResponse res) {
    ServingModel model = slot.require();
    JsonNode body = object(RequestBodies.json(req, maxBodyBytes));
    model.checkRequested(body.path("model").isTextual() ? body.get("model").asText() : null);
    JsonNode tokens = body.get("tokens");
    if (tokens == null || !tokens.isArray()) {
      throw ApiException.invalid("'tokens' must be a list of token ids", "tokens");
    }
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode t = tokens.get(i);
      if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= model.vocabSize()) {
        throw ApiException.invalid(
            "token id " + t + " is outside the vocabulary [0, " + model.vocabSize() + ")",
            "tokens");
      }
      ids[i] = t.asInt();
    }
    ModelsService.send(res, Map.of("prompt", model.tokenizer().decode(ids, false)));
  }

  private static JsonNode object(JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.invalid("The request body must be a JSON object", null);
    }
    return body;
  }
}
