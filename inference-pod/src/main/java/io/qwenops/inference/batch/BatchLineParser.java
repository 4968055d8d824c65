package io.qwenops.inference.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.chat.ChatMessages;
import io.qwenops.inference.api.chat.ChatTemplate;
import io.qwenops.inference.api.chat.ChatTemplateException;
import io.qwenops.inference.api.wire.ChatRequest;
import io.qwenops.inference.api.wire.CompletionRequest;
import io.qwenops.inference.api.wire.SamplingOptions;
import io.qwenops.inference.model.QwenTokenizer;

/**
 * Reads one JSONL line as a request body of the OpenAI API: {@code messages} (a chat, rendered with
 * the checkpoint's own template) or {@code prompt} (one string or token-id list), with the same
 * sampling fields and the same checks as the server applies.
 */
final class BatchLineParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final QwenTokenizer tokenizer;
  private final ChatTemplate template;
  private final int vocabSize;
  private final int maxModelLen;

  BatchLineParser(QwenTokenizer tokenizer, ChatTemplate template, int vocabSize, int maxModelLen) {
    this.tokenizer = tokenizer;
    this.template = template;
    this.vocabSize = vocabSize;
    this.maxModelLen = maxModelLen;
  }

  BatchItem parse(int line, String text) throws BadLine {
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadLine(line, "not JSON (" + e.getOriginalMessage() + ")");
    }
    if (body == null || !body.isObject()) {
      throw new BadLine(line, "must be a JSON object with 'messages' or 'prompt'");
    }
    String id = body.hasNonNull("custom_id") ? body.get("custom_id").asText() : null;
    if (id == null && body.hasNonNull("id")) {
      id = body.get("id").asText();
    }
    if (body.has("prompt_logprobs")) {
      // A result line has no place for them; refused rather than dropped.
      throw new BadLine(line, "'prompt_logprobs' is not supported in a batch");
    }
    try {
      int[] prompt;
      SamplingOptions sampling;
      String field;
      boolean structured;
      if (body.has("messages")) {
        ChatRequest chat = ChatRequest.read(body, vocabSize);
        structured = chat.structuredOutput() != null;
        String rendered =
            template.render(
                ChatMessages.forTemplate(chat.messages()),
                ChatMessages.tools(chat.tools()),
                chat.addGenerationPrompt());
        prompt = tokenizer.encode(rendered);
        sampling = chat.sampling();
        field = "messages";
      } else if (body.has("prompt")) {
        CompletionRequest completion = CompletionRequest.read(body, vocabSize);
        structured = completion.structuredOutput() != null;
        if (completion.prompts().size() != 1) {
          throw new BadLine(line, "one prompt per line (got " + completion.prompts().size() + ")");
        }
        Object p = completion.prompts().getFirst();
        prompt = p instanceof int[] ids ? ids : tokenizer.encode((String) p);
        sampling = completion.sampling();
        field = "prompt";
      } else {
        throw new BadLine(line, "needs 'messages' (a chat) or 'prompt' (a text)");
      }
      if (structured) {
        throw new BadLine(
            line,
            "structured outputs (response_format, guided_json, guided_choice, structured_outputs)"
                + " are not supported in batch files yet");
      }
      if (sampling.n() != 1) {
        throw new BadLine(line, "'n' must be 1 in a batch; repeat the line instead");
      }
      return new BatchItem(
          line,
          id == null ? "line-" + line : id,
          prompt,
          sampling.toEngine(prompt.length, maxModelLen, null, 0, field));
    } catch (ApiException | ChatTemplateException e) {
      throw new BadLine(line, e.getMessage());
    }
  }
}
