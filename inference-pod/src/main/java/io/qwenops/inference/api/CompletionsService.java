package io.qwenops.inference.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.generate.ClientGoneException;
import io.qwenops.inference.api.generate.CollectedChoice;
import io.qwenops.inference.api.generate.CompletionStream;
import io.qwenops.inference.api.generate.Generation;
import io.qwenops.inference.api.generate.JsonReply;
import io.qwenops.inference.api.generate.LegacyLogprobs;
import io.qwenops.inference.api.generate.PromptLogprobsList;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.api.generate.TokenTexts;
import io.qwenops.inference.api.wire.CompletionRequest;
import io.qwenops.inference.api.wire.CompletionWire;
import io.qwenops.inference.api.wire.PromptLogprobsField;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.api.wire.Usage;
import io.qwenops.inference.engine.SamplingParams;
import io.qwenops.inference.engine.TokenConstraint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/completions}: raw prompts (text or token ids), legacy logprobs, echo. */
public final class CompletionsService implements HttpService {

  private final ModelSlot slot;
  private final RequestMetrics metrics;
  private final long maxBodyBytes;
  private final RequestLimits limits;

  public CompletionsService(
      ModelSlot slot, RequestMetrics metrics, long maxBodyBytes, RequestLimits limits) {
    this.slot = slot;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.limits = limits;
  }

  /** One prompt as ids and as the text an echo repeats. */
  public record Prompt(int[] ids, String text) {}

  @Override
  public void routing(HttpRules rules) {
    rules.post("/v1/completions", this::create);
  }

  private void create(ServerRequest req, ServerResponse res) throws InterruptedException {
    ServingModel model = slot.require();
    com.fasterxml.jackson.databind.JsonNode body = RequestBodies.json(req, maxBodyBytes);
    CompletionRequest request = CompletionRequest.read(body, model.vocabSize(), limits);
    Integer promptLogprobs = PromptLogprobsField.read(body);
    model.checkRequested(request.model());
    Admission.check(model.engine(), request.prompts().size() * request.sampling().n());
    List<Prompt> prompts = new ArrayList<>();
    for (Object p : request.prompts()) {
      prompts.add(
          p instanceof String s
              ? new Prompt(model.tokenizer().encode(s), s)
              : new Prompt((int[]) p, model.tokenizer().decode((int[]) p, false)));
    }
    int n = request.sampling().n();
    List<Generation.Choice> choices = new ArrayList<>();
    int promptTokens = 0;
    for (int p = 0; p < prompts.size(); p++) {
      int[] ids = prompts.get(p).ids();
      if (ids.length == 0) {
        throw ApiException.invalid("prompt " + p + " is empty", "prompt");
      }
      promptTokens += ids.length;
      for (int j = 0; j < n; j++) {
        SamplingParams sampling =
            request
                .sampling()
                .toEngine(ids.length, model.maxModelLen(), request.logprobs(), j, "prompt");
        TokenConstraint constraint =
            request.structuredOutput() == null
                ? null
                : request
                    .structuredOutput()
                    .constraint(model.tokenizer(), model.vocabSize(), sampling.maxTokens());
        choices.add(
            new Generation.Choice(
                p * n + j,
                ids,
                sampling,
                scoredAlternatives(request, promptLogprobs, j),
                constraint));
      }
    }
    String id = "cmpl-" + RequestIds.of(req);
    long created = Instant.now().getEpochSecond();
    try (Generation generation =
        Generation.start(model.engine(), RequestIds.of(req), choices, metrics)) {
      if (request.stream()) {
        new CompletionStream(model, request, prompts, id, created, promptTokens)
            .run(generation, res);
      } else {
        respond(
            model, request, promptLogprobs, prompts, id, created, promptTokens, generation, res);
      }
    } catch (ClientGoneException e) {
      // Closing the generation aborted its engine requests; nobody is left to answer.
    }
  }

  /**
   * Alternatives the engine scores for choice {@code j} of a prompt, or null: an echo with logprobs
   * scores every choice's prompt (its legacy logprobs list them), {@code prompt_logprobs} the
   * first.
   */
  private static Integer scoredAlternatives(
      CompletionRequest request, Integer promptLogprobs, int j) {
    Integer echo = request.echo() ? request.logprobs() : null;
    Integer extra = j == 0 ? promptLogprobs : null;
    if (echo == null || extra == null) {
      return echo == null ? extra : echo;
    }
    return Math.max(echo, extra);
  }

  private static void respond(
      ServingModel model,
      CompletionRequest request,
      Integer promptLogprobs,
      List<Prompt> prompts,
      String id,
      long created,
      int promptTokens,
      Generation generation,
      ServerResponse res)
      throws InterruptedException {
    int n = request.sampling().n();
    JsonReply reply = new JsonReply(res);
    List<CollectedChoice> collected;
    try {
      collected = CollectedChoice.collect(generation, prompts.size() * n, reply);
    } catch (ApiException e) {
      reply.fail(e);
      return;
    }
    TokenTexts tokenTexts = new TokenTexts(model.tokenizer(), request.tokensAsIds());
    List<CompletionWire.Choice> out = new ArrayList<>();
    for (int i = 0; i < collected.size(); i++) {
      CollectedChoice c = collected.get(i);
      Prompt prompt = prompts.get(i / n);
      CompletionWire.Logprobs logprobs = null;
      if (request.logprobs() != null) {
        LegacyLogprobs lp = new LegacyLogprobs(tokenTexts, 0);
        if (request.echo()) {
          lp.prompt(c.promptScores(), request.logprobs(), model.tokenizer()::tokenBytes);
        }
        c.tokens().forEach(lp::generated);
        logprobs = lp.build();
      }
      String text = request.echo() ? prompt.text() + c.text() : c.text();
      out.add(
          new CompletionWire.Choice(
              i,
              text,
              logprobs,
              c.reason().openAiName(),
              promptLogprobs == null
                  ? null
                  // The prompt's first choice was scored; its other choices share the scores.
                  : PromptLogprobsList.of(
                      collected.get(i - i % n).promptScores(), promptLogprobs, model.tokenizer())));
    }
    reply.send(
        new CompletionWire.Completion(
            id,
            "text_completion",
            created,
            model.name(),
            out,
            Usage.of(promptTokens, CollectedChoice.generatedTokens(collected))));
  }
}
