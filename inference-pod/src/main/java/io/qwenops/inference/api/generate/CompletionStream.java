package io.qwenops.inference.api.generate;

import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.CompletionsService.Prompt;
import io.qwenops.inference.api.ErrorResponses;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.wire.CompletionRequest;
import io.qwenops.inference.api.wire.CompletionWire;
import io.qwenops.inference.api.wire.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Streams a legacy completion: text chunks, a last chunk per choice with its finish_reason. */
public final class CompletionStream {

  private final ServingModel model;
  private final CompletionRequest request;
  private final List<Prompt> prompts;
  private final String id;
  private final long created;
  private final int promptTokens;
  private final TokenTexts texts;

  public CompletionStream(
      ServingModel model,
      CompletionRequest request,
      List<Prompt> prompts,
      String id,
      long created,
      int promptTokens) {
    this.model = model;
    this.request = request;
    this.prompts = prompts;
    this.id = id;
    this.created = created;
    this.promptTokens = promptTokens;
    this.texts = new TokenTexts(model.tokenizer(), request.tokensAsIds());
  }

  public void run(Generation generation, ServerResponse res) throws InterruptedException {
    SseResponses.prepare(res);
    try (OutputStream out = res.outputStream()) {
      SseWriter sse = new SseWriter(out);
      int n = request.sampling().n();
      int total = prompts.size() * n;
      LegacyLogprobs[] logprobs = new LegacyLogprobs[total];
      for (int i = 0; i < total; i++) {
        logprobs[i] = request.logprobs() == null ? null : new LegacyLogprobs(texts, 0);
        if (request.echo() && logprobs[i] == null) {
          sse.data(chunk(i, prompts.get(i / n).text(), null, null));
        } // with logprobs the echo waits for the prompt's scores
      }
      int generated = 0;
      for (GenerationEvent e = generation.next(sse); e != null; e = generation.next(sse)) {
        switch (e) {
          case GenerationEvent.PromptScores p -> {
            LegacyLogprobs lp = logprobs[p.index()];
            lp.prompt(p.scores(), request.logprobs(), model.tokenizer()::tokenBytes);
            sse.data(chunk(p.index(), prompts.get(p.index() / n).text(), lp.drain(), null));
          }
          case GenerationEvent.Token t -> {
            generated++;
            LegacyLogprobs lp = logprobs[t.index()];
            if (lp != null) {
              lp.generated(t.token());
            }
            if (!t.token().text().isEmpty() || lp != null) {
              sse.data(chunk(t.index(), t.token().text(), lp == null ? null : lp.drain(), null));
            }
          }
          case GenerationEvent.Finished f ->
              sse.data(chunk(f.index(), "", null, f.reason().openAiName()));
          case GenerationEvent.Failed f -> {
            generation.abort();
            sse.data(ErrorResponses.body(generation.failure(f)));
            sse.done();
            return;
          }
        }
      }
      if (request.includeUsage()) {
        sse.data(
            new CompletionWire.Completion(
                id,
                "text_completion",
                created,
                model.name(),
                List.of(),
                Usage.of(promptTokens, generated)));
      }
      sse.done();
    } catch (ClientGoneException | IOException e) {
      generation.abort();
    }
  }

  private CompletionWire.Completion chunk(
      int index, String text, CompletionWire.Logprobs logprobs, String reason) {
    return new CompletionWire.Completion(
        id,
        "text_completion",
        created,
        model.name(),
        List.of(new CompletionWire.Choice(index, text, logprobs, reason)),
        null);
  }
}
