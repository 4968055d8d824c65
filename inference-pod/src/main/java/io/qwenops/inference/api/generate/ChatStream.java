package io.qwenops.inference.api.generate;

import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.ErrorResponses;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.chat.ToolCallDeltas;
import io.qwenops.inference.api.chat.ToolCalling;
import io.qwenops.inference.api.wire.ChatRequest;
import io.qwenops.inference.api.wire.ChatWire;
import io.qwenops.inference.api.wire.Usage;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.util.List;

/**
 * Streams a chat completion as OpenAI does: a first chunk per choice with the role, content deltas,
 * a last chunk per choice with {@code finish_reason}, the usage chunk when asked, then {@code
 * [DONE]}. A client that goes away aborts its sequences in the engine.
 */
public final class ChatStream {

  private static final Logger LOG = System.getLogger(ChatStream.class.getName());

  private final ServingModel model;
  private final ChatRequest chat;
  private final ToolCalling tools;
  private final String id;
  private final long created;
  private final int promptTokens;
  private final TokenTexts tokens;

  public ChatStream(
      ServingModel model,
      ChatRequest chat,
      ToolCalling tools,
      String id,
      long created,
      int promptTokens) {
    this.model = model;
    this.chat = chat;
    this.tools = tools;
    this.id = id;
    this.created = created;
    this.promptTokens = promptTokens;
    this.tokens = new TokenTexts(model.tokenizer(), false);
  }

  public void run(Generation generation, ServerResponse res) throws InterruptedException {
    SseResponses.prepare(res);
    try (OutputStream out = res.outputStream()) {
      SseWriter sse = new SseWriter(out);
      int n = chat.sampling().n();
      ToolCallDeltas[] calls = new ToolCallDeltas[n];
      for (int i = 0; i < n; i++) {
        sse.data(chunk(i, new ChatWire.Delta("assistant", "", null), null, null));
        calls[i] = tools.streamDeltas();
        if (calls[i] != null) {
          send(sse, i, calls[i].accept(""), null); // a named call is announced at once
        }
      }
      int generated = 0;
      for (GenerationEvent e = generation.next(sse); e != null; e = generation.next(sse)) {
        switch (e) {
          case GenerationEvent.PromptScores p -> {}
          case GenerationEvent.Token t -> {
            generated++;
            token(sse, t, calls[t.index()]);
          }
          case GenerationEvent.Finished f -> finish(sse, f, calls[f.index()]);
          case GenerationEvent.Failed f -> {
            generation.abort();
            sse.data(ErrorResponses.body(generation.failure(f)));
            sse.done();
            return;
          }
        }
      }
      if (chat.includeUsage()) {
        sse.data(
            new ChatWire.Chunk(
                id,
                "chat.completion.chunk",
                created,
                model.name(),
                List.of(),
                Usage.of(promptTokens, generated)));
      }
      sse.done();
    } catch (ClientGoneException e) {
      generation.abort();
      LOG.log(Logger.Level.DEBUG, "client left {0}; aborted its generation", id);
    } catch (java.io.IOException e) {
      generation.abort();
    }
  }

  private void token(SseWriter sse, GenerationEvent.Token t, ToolCallDeltas calls) {
    ChatWire.Logprobs lp =
        chat.topLogprobs() == null
            ? null
            : new ChatWire.Logprobs(List.of(tokens.chatEntry(t.token())));
    if (calls == null) {
      if (!t.token().text().isEmpty() || lp != null) {
        sse.data(chunk(t.index(), new ChatWire.Delta(null, t.token().text(), null), lp, null));
      }
      return;
    }
    send(sse, t.index(), calls.accept(t.token().text()), lp);
  }

  /** One chunk per delta; the token's logprobs ride on the first (or on an empty chunk). */
  private void send(
      SseWriter sse, int index, List<ToolCallDeltas.Delta> deltas, ChatWire.Logprobs lp) {
    if (deltas.isEmpty() && lp != null) {
      sse.data(chunk(index, new ChatWire.Delta(null, "", null), lp, null));
    }
    for (ToolCallDeltas.Delta d : deltas) {
      ChatWire.Delta wire =
          switch (d) {
            case ToolCallDeltas.Content c -> new ChatWire.Delta(null, c.text(), null);
            case ToolCallDeltas.CallStart s ->
                new ChatWire.Delta(
                    null, null, List.of(ChatWire.ToolCallDelta.start(s.index(), s.id(), s.name())));
            case ToolCallDeltas.CallArguments a ->
                new ChatWire.Delta(
                    null, null, List.of(ChatWire.ToolCallDelta.arguments(a.index(), a.fragment())));
          };
      sse.data(chunk(index, wire, lp, null));
      lp = null;
    }
  }

  private void finish(SseWriter sse, GenerationEvent.Finished f, ToolCallDeltas calls) {
    String reason = f.reason().openAiName();
    if (calls != null) {
      ToolCallDeltas.End end = calls.finish();
      send(sse, f.index(), end.deltas(), null);
      reason = tools.finishReason(f.index(), reason, end.complete());
    }
    sse.data(chunk(f.index(), new ChatWire.Delta(null, null, null), null, reason));
  }

  private ChatWire.Chunk chunk(
      int index, ChatWire.Delta delta, ChatWire.Logprobs logprobs, String finishReason) {
    return new ChatWire.Chunk(
        id,
        "chat.completion.chunk",
        created,
        model.name(),
        List.of(new ChatWire.ChunkChoice(index, delta, logprobs, finishReason)),
        null);
  }
}
