package io.qwenops.inference.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.chat.ForcedToolCall;
import io.qwenops.inference.api.chat.ToolCallParser;
import io.qwenops.inference.api.chat.ToolCalling;
import io.qwenops.inference.api.generate.ChatStream;
import io.qwenops.inference.api.generate.ClientGoneException;
import io.qwenops.inference.api.generate.CollectedChoice;
import io.qwenops.inference.api.generate.Generation;
import io.qwenops.inference.api.generate.JsonReply;
import io.qwenops.inference.api.generate.PromptLogprobsList;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.api.generate.TokenTexts;
import io.qwenops.inference.api.wire.ChatRequest;
import io.qwenops.inference.api.wire.ChatWire;
import io.qwenops.inference.api.wire.PromptLogprobsField;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.api.wire.Usage;
import io.qwenops.inference.engine.SamplingParams;
import io.qwenops.inference.engine.TokenConstraint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/chat/completions}: render the chat template, generate, answer as OpenAI. */
public final class ChatCompletionsService implements HttpService {

  private final ModelSlot slot;
  private final RequestMetrics metrics;
  private final long maxBodyBytes;
  private final RequestLimits limits;

  public ChatCompletionsService(
      ModelSlot slot, RequestMetrics metrics, long maxBodyBytes, RequestLimits limits) {
    this.slot = slot;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.limits = limits;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/v1/chat/completions", this::create);
  }

  private void create(ServerRequest req, ServerResponse res) throws InterruptedException {
    ServingModel model = slot.require();
    com.fasterxml.jackson.databind.JsonNode body = RequestBodies.json(req, maxBodyBytes);
    ChatRequest chat = ChatRequest.read(body, model.vocabSize(), limits);
    Integer promptLogprobs = PromptLogprobsField.read(body);
    model.checkRequested(chat.model());
    Admission.check(model.engine(), chat.sampling().n());
    ToolCalling tools =
        new ToolCalling(
            chat.parseToolCalls(),
            chat.tools() == null ? null : ForcedToolCall.of(chat.toolChoice(), chat.tools()),
            chat.parallelToolCalls());
    String rendered =
        ChatPrompts.render(
            model, chat.messages(), chat.tools(), chat.addGenerationPrompt(), RequestIds.of(req));
    int[] prompt = model.tokenizer().encode(rendered + tools.promptSuffix());
    List<Generation.Choice> choices = new ArrayList<>();
    for (int i = 0; i < chat.sampling().n(); i++) {
      SamplingParams sampling =
          chat.sampling()
              .toEngine(prompt.length, model.maxModelLen(), chat.topLogprobs(), i, "messages");
      TokenConstraint constraint =
          chat.structuredOutput() != null
              ? chat.structuredOutput()
                  .constraint(model.tokenizer(), model.vocabSize(), sampling.maxTokens())
              : tools.constraint(model.tokenizer(), model.vocabSize(), sampling.maxTokens());
      choices.add(
          new Generation.Choice(
              i, prompt, sampling, i == 0 ? promptLogprobs : null, constraint)); // scored once
    }
    String id = "chatcmpl-" + RequestIds.of(req);
    long created = Instant.now().getEpochSecond();
    try (Generation generation =
        Generation.start(model.engine(), RequestIds.of(req), choices, metrics)) {
      if (chat.stream()) {
        new ChatStream(model, chat, tools, id, created, prompt.length).run(generation, res);
      } else {
        respond(model, chat, tools, promptLogprobs, id, created, prompt.length, generation, res);
      }
    } catch (ClientGoneException e) {
      // Closing the generation aborted its engine requests; nobody is left to answer.
    }
  }

  private static void respond(
      ServingModel model,
      ChatRequest chat,
      ToolCalling tools,
      Integer promptLogprobs,
      String id,
      long created,
      int promptTokens,
      Generation generation,
      ServerResponse res)
      throws InterruptedException {
    JsonReply reply = new JsonReply(res);
    List<CollectedChoice> collected;
    try {
      collected = CollectedChoice.collect(generation, chat.sampling().n(), reply);
    } catch (ApiException e) {
      reply.fail(e);
      return;
    }
    TokenTexts tokens = new TokenTexts(model.tokenizer(), false);
    List<ChatWire.Choice> out = new ArrayList<>();
    for (int i = 0; i < collected.size(); i++) {
      CollectedChoice c = collected.get(i);
      String content = tools.replyText(c.text());
      List<ChatWire.ToolCall> calls = List.of();
      String reason = c.reason().openAiName();
      if (tools.parses()) {
        ToolCallParser.Parsed parsed = tools.parse(content);
        if (!parsed.calls().isEmpty()) {
          content = parsed.content();
          calls = ChatWire.toolCalls(parsed.calls());
        }
        reason = tools.finishReason(i, reason, !calls.isEmpty());
      }
      ChatWire.Logprobs lp = null;
      if (chat.topLogprobs() != null) {
        lp = new ChatWire.Logprobs(c.tokens().stream().map(tokens::chatEntry).toList());
      }
      out.add(
          new ChatWire.Choice(
              i, new ChatWire.Message("assistant", content, null, calls), lp, reason));
    }
    reply.send(
        new ChatWire.Completion(
            id,
            "chat.completion",
            created,
            model.name(),
            out,
            Usage.of(promptTokens, CollectedChoice.generatedTokens(collected)),
            promptLogprobs == null
                ? null
                : PromptLogprobsList.of(
                    collected.getFirst().promptScores(), promptLogprobs, model.tokenizer())));
  }
}
