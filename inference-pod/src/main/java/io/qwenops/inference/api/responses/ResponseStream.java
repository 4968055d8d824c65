package io.qwenops.inference.api.responses;

import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.chat.ToolCallDeltas;
import io.qwenops.inference.api.chat.ToolCalling;
import io.qwenops.inference.api.generate.ClientGoneException;
import io.qwenops.inference.api.generate.Generation;
import io.qwenops.inference.api.generate.GenerationEvent;
import io.qwenops.inference.api.generate.SseResponses;
import io.qwenops.inference.api.generate.SseWriter;
import io.qwenops.inference.engine.FinishReason;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a response as the Responses API does: {@code response.created} and {@code
 * response.in_progress}, then per output item {@code response.output_item.added}, its text ({@code
 * response.content_part.added}, {@code response.output_text.delta}…, {@code .done}) or its call's
 * arguments ({@code response.function_call_arguments.delta}…, {@code .done}), {@code
 * response.output_item.done}, and last {@code response.completed} with the whole response; every
 * event numbered by {@code sequence_number}. A client that goes away aborts the generation.
 */
final class ResponseStream {

  private final ResponseShape shape;
  private final ToolCalling tools;
  private final int promptTokens;
  private final List<Object> output = new ArrayList<>();
  private SseWriter sse;
  private int sequence;

  /** The item being written: a message (text) or a call (callId set), or none (id null). */
  private String itemId;

  private String callId;
  private String callName;
  private final StringBuilder itemText = new StringBuilder();

  ResponseStream(ResponseShape shape, ToolCalling tools, int promptTokens) {
    this.shape = shape;
    this.tools = tools;
    this.promptTokens = promptTokens;
  }

  void run(Generation generation, ServerResponse res) throws InterruptedException {
    SseResponses.prepare(res);
    try (OutputStream out = res.outputStream()) {
      sse = new SseWriter(out);
      ResponsesWire.Response start = shape.with("in_progress", null, List.of(), null);
      emit(ResponsesWire.Event.response("response.created", start));
      emit(ResponsesWire.Event.response("response.in_progress", start));
      ToolCallDeltas calls = tools.streamDeltas();
      if (calls != null) {
        calls.accept("").forEach(this::delta);
      }
      int generated = 0;
      for (GenerationEvent e = generation.next(sse); e != null; e = generation.next(sse)) {
        switch (e) {
          case GenerationEvent.PromptScores p -> {}
          case GenerationEvent.Token t -> {
            generated++;
            String text = t.token().text();
            if (calls == null) {
              delta(new ToolCallDeltas.Content(text));
            } else {
              calls.accept(text).forEach(this::delta);
            }
          }
          case GenerationEvent.Finished f -> {
            if (calls != null) {
              calls.finish().deltas().forEach(this::delta);
            }
            closeItem();
            boolean cut = f.reason() == FinishReason.LENGTH;
            ResponsesWire.Response done =
                shape.with(
                    cut ? "incomplete" : "completed",
                    cut ? "max_output_tokens" : null,
                    output,
                    ResponsesWire.Usage.of(promptTokens, generated));
            emit(ResponsesWire.Event.response("response.completed", done));
          }
          case GenerationEvent.Failed f -> {
            generation.abort();
            ApiException error = generation.failure(f);
            sse.event(
                "error",
                java.util.Map.of(
                    "type",
                    "error",
                    "sequence_number",
                    sequence++,
                    "code",
                    error.code() == null ? "server_error" : error.code(),
                    "message",
                    error.getMessage()));
            return;
          }
        }
      }
    } catch (ClientGoneException | IOException e) {
      generation.abort();
    }
  }

  private void delta(ToolCallDeltas.Delta d) {
    switch (d) {
      case ToolCallDeltas.Content c -> {
        if (c.text().isEmpty()) {
          return;
        }
        if (itemId == null || callId != null) {
          closeItem();
          openMessage();
        }
        itemText.append(c.text());
        emit(ResponsesWire.Event.textDelta(index(), itemId, c.text()));
      }
      case ToolCallDeltas.CallStart s -> {
        closeItem();
        itemId = "fc_" + s.id().substring("call_".length());
        callId = s.id();
        callName = s.name();
        emit(
            ResponsesWire.Event.item(
                "response.output_item.added",
                index(),
                ResponsesWire.FunctionCall.of(itemId, "in_progress", callId, callName, "")));
      }
      case ToolCallDeltas.CallArguments a -> {
        itemText.append(a.fragment());
        emit(ResponsesWire.Event.argumentsDelta(index(), itemId, a.fragment()));
      }
    }
  }

  private void openMessage() {
    itemId = "msg_" + shape.id().substring("resp_".length()) + "_" + output.size();
    callId = null;
    emit(
        ResponsesWire.Event.item(
            "response.output_item.added",
            index(),
            ResponsesWire.Message.of(itemId, "in_progress", null)));
    emit(
        ResponsesWire.Event.part(
            "response.content_part.added", index(), itemId, ResponsesWire.OutputText.of("")));
  }

  /** Ends the open item with its done events and keeps it for the final response. */
  private void closeItem() {
    if (itemId == null) {
      return;
    }
    String text = itemText.toString();
    Object item;
    if (callId == null) {
      emit(ResponsesWire.Event.textDone(index(), itemId, text));
      emit(
          ResponsesWire.Event.part(
              "response.content_part.done", index(), itemId, ResponsesWire.OutputText.of(text)));
      item = ResponsesWire.Message.of(itemId, "completed", text);
    } else {
      emit(ResponsesWire.Event.argumentsDone(index(), itemId, text, callName));
      item = ResponsesWire.FunctionCall.of(itemId, "completed", callId, callName, text);
    }
    emit(ResponsesWire.Event.item("response.output_item.done", index(), item));
    output.add(item);
    itemId = null;
    callId = null;
    itemText.setLength(0);
  }

  /** The open item's place in {@code output}. */
  private int index() {
    return output.size();
  }

  private void emit(ResponsesWire.Event event) {
    sse.event(event.type(), event.numbered(sequence++));
  }
}
