package io.qwenops.inference.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.Admission;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.ChatPrompts;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.RequestBodies;
import io.qwenops.inference.api.RequestIds;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.chat.ForcedToolCall;
import io.qwenops.inference.api.chat.ToolCall;
import io.qwenops.inference.api.chat.ToolCallParser;
import io.qwenops.inference.api.chat.ToolCalling;
import io.qwenops.inference.api.chat.ToolChoice;
import io.qwenops.inference.api.generate.ClientGoneException;
import io.qwenops.inference.api.generate.CollectedChoice;
import io.qwenops.inference.api.generate.Generation;
import io.qwenops.inference.api.generate.JsonReply;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.api.wire.ChatRequest;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.SamplingParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/responses} (OpenAI's Responses API) for text and function tools: the request is
 * translated into a chat request ({@link ResponsesRequest}), generated as chat is, and answered as
 * a response object with {@code output: [message | function_call, ...]}, or streamed as its events
 * ({@link ResponseStream}).
 */
public final class ResponsesService implements HttpService {

  private final ModelSlot slot;
  private final RequestMetrics metrics;
  private final long maxBodyBytes;
  private final RequestLimits limits;

  public ResponsesService(
      ModelSlot slot, RequestMetrics metrics, long maxBodyBytes, RequestLimits limits) {
    this.slot = slot;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.limits = limits;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/v1/responses", this::create);
  }

  private void create(ServerRequest req, ServerResponse res) throws InterruptedException {
    ServingModel model = slot.require();
    JsonNode body = RequestBodies.json(req, maxBodyBytes);
    ChatRequest chat = ChatRequest.read(ResponsesRequest.toChat(body), model.vocabSize(), limits);
    model.checkRequested(chat.model());
    Admission.check(model.engine(), 1);
    ToolCalling tools =
        new ToolCalling(
            chat.parseToolCalls(),
            chat.tools() == null
                ? null
                : ForcedToolCall.of(chat.toolChoice(), ToolChoice.names(chat.tools())),
            chat.parallelToolCalls());
    String requestId = RequestIds.of(req);
    String rendered = ChatPrompts.render(model, chat.messages(), chat.tools(), true, requestId);
    int[] prompt = model.tokenizer().encode(rendered + tools.promptSuffix());
    SamplingParams sampling =
        chat.sampling().toEngine(prompt.length, model.maxModelLen(), null, 0, "input");
    Generation.Choice choice =
        new Generation.Choice(
            0,
            prompt,
            sampling,
            null,
            tools.constraint(model.tokenizer(), model.vocabSize(), sampling.maxTokens()));
    ResponseShape shape =
        new ResponseShape(
            "resp_" + requestId, Instant.now().getEpochSecond(), model.name(), body, chat);
    try (Generation generation =
        Generation.start(model.engine(), requestId, List.of(choice), metrics)) {
      if (chat.stream()) {
        new ResponseStream(shape, tools, prompt.length).run(generation, res);
      } else {
        respond(shape, tools, prompt.length, generation, res);
      }
    } catch (ClientGoneException e) {
      // Closing the generation aborted its engine request; nobody is left to answer.
    }
  }

  private static void respond(
      ResponseShape shape,
      ToolCalling tools,
      int promptTokens,
      Generation generation,
      ServerResponse res)
      throws InterruptedException {
    JsonReply reply = new JsonReply(res);
    CollectedChoice c;
    try {
      c = CollectedChoice.collect(generation, 1, reply).getFirst();
    } catch (ApiException e) {
      reply.fail(e);
      return;
    }
    String text = tools.replyText(c.text());
    List<ToolCall> calls = List.of();
    if (tools.parses()) {
      ToolCallParser.Parsed parsed = tools.parse(text);
      if (!parsed.calls().isEmpty()) {
        text = parsed.content();
        calls = parsed.calls();
      }
    }
    String suffix = shape.id().substring("resp_".length());
    List<Object> output = new ArrayList<>();
    if (text != null && !(text.isEmpty() && !calls.isEmpty())) {
      output.add(ResponsesWire.Message.of("msg_" + suffix + "_0", "completed", text));
    }
    for (ToolCall call : calls) {
      output.add(
          ResponsesWire.FunctionCall.of(
              "fc_" + call.id().substring("call_".length()),
              "completed",
              call.id(),
              call.name(),
              call.arguments()));
    }
    boolean cut =
        c.reason() == FinishReason.LENGTH
            && tools.finishReason(0, "length", !calls.isEmpty()).equals("length");
    reply.send(
        shape.with(
            cut ? "incomplete" : "completed",
            cut ? "max_output_tokens" : null,
            output,
            ResponsesWire.Usage.of(promptTokens, c.tokens().size())));
  }
}
