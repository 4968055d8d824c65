package io.qwenops.inference.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.chat.ChatMessages;
import io.qwenops.inference.api.chat.ChatTemplateException;
import io.qwenops.inference.api.chat.ToolCallParser;
import io.qwenops.inference.api.generate.ChatStream;
import io.qwenops.inference.api.generate.Generation;
import io.qwenops.inference.api.generate.GenerationEvent;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.api.generate.TokenTexts;
import io.qwenops.inference.api.wire.ChatRequest;
import io.qwenops.inference.api.wire.ChatWire;
import io.qwenops.inference.api.wire.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/chat/completions}: render the chat template, generate, answer as OpenAI. */
public final class ChatCompletionsService implements HttpService {

  private final ModelSlot slot;
  private final RequestMetrics metrics;
  private final long maxBodyBytes;

  public ChatCompletionsService(ModelSlot slot, RequestMetrics metrics, long maxBodyBytes) {
    this.slot = slot;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/v1/chat/completions", this::create);
  }

  private void create(ServerRequest req, ServerResponse res) throws InterruptedException {
    ServingModel model = slot.require();
    ChatRequest chat = ChatRequest.read(RequestBodies.json(req, maxBodyBytes), model.vocabSize());
    model.checkRequested(chat.model());
    int[] prompt = model.tokenizer().encode(render(model, chat));
    List<Generation.Choice> choices = new ArrayList<>();
    for (int i = 0; i < chat.sampling().n(); i++) {
      choices.add(
          new Generation.Choice(
              i,
              prompt,
              chat.sampling()
                  .toEngine(
                      prompt.length, model.maxModelLen(), chat.topLogprobs(), i, "messages")));
    }
    String id = "chatcmpl-" + RequestIds.of(req);
    long created = Instant.now().getEpochSecond();
    try (Generation generation = Generation.start(model.engine(), id, choices, metrics)) {
      if (chat.stream()) {
        new ChatStream(model, chat, id, created, prompt.length).run(generation, res);
      } else {
        respond(model, chat, id, created, prompt.length, generation, res);
      }
    }
  }

  private static String render(ServingModel model, ChatRequest chat) {
    try {
      return model
          .chatTemplate()
          .render(
              ChatMessages.forTemplate(chat.messages()),
              ChatMessages.tools(chat.tools()),
              chat.addGenerationPrompt());
    } catch (ChatTemplateException e) {
      throw ApiException.invalid(e.getMessage(), "messages");
    }
  }

  private static void respond(
      ServingModel model,
      ChatRequest chat,
      String id,
      long created,
      int promptTokens,
      Generation generation,
      ServerResponse res)
      throws InterruptedException {
    int n = chat.sampling().n();
    StringBuilder[] texts = new StringBuilder[n];
    List<List<ChatWire.TokenLogprob>> logprobs = new ArrayList<>();
    String[] reasons = new String[n];
    for (int i = 0; i < n; i++) {
      texts[i] = new StringBuilder();
      logprobs.add(new ArrayList<>());
    }
    TokenTexts tokens = new TokenTexts(model.tokenizer(), false);
    int generated = 0;
    for (GenerationEvent e = generation.next(); e != null; e = generation.next()) {
      switch (e) {
        case GenerationEvent.Token t -> {
          generated++;
          texts[t.index()].append(t.token().text());
          if (chat.topLogprobs() != null) {
            logprobs.get(t.index()).add(tokens.chatEntry(t.token()));
          }
        }
        case GenerationEvent.Finished f -> reasons[f.index()] = f.reason().openAiName();
        case GenerationEvent.Failed f -> throw ApiException.engineFailure(f.error());
      }
    }
    List<ChatWire.Choice> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = texts[i].toString();
      String content = text;
      List<ChatWire.ToolCall> calls = List.of();
      String reason = reasons[i];
      if (chat.parseToolCalls()) {
        ToolCallParser.Parsed parsed = ToolCallParser.parse(text);
        if (!parsed.calls().isEmpty()) {
          content = parsed.content();
          calls = ChatWire.toolCalls(parsed.calls(), false);
          reason = "tool_calls";
        }
      }
      ChatWire.Logprobs lp =
          chat.topLogprobs() == null ? null : new ChatWire.Logprobs(logprobs.get(i));
      out.add(
          new ChatWire.Choice(
              i, new ChatWire.Message("assistant", content, null, calls), lp, reason));
    }
    ChatWire.Completion body =
        new ChatWire.Completion(
            id, "chat.completion", created, model.name(), out, Usage.of(promptTokens, generated));
    res.header("Content-Type", "application/json");
    res.send(Json.bytes(body));
  }
}
