package io.qwenops.inference.api.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a Hugging Face chat template the way transformers does ({@code trim_blocks}, {@code
 * lstrip_blocks}, Python-style {@code tojson}), with Jinjava. Thread-safe: one instance per served
 * model.
 */
public final class ChatTemplate {

  /** What transformers falls back to for a model without a template (ChatML). */
  public static final String CHATML =
      "{% for message in messages %}"
          + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
          + "{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private final String template;
  private final Jinjava jinjava;

  public ChatTemplate(String template) {
    this.template = template;
    LegacyOverrides python =
        LegacyOverrides.newBuilder()
            .withUsePyishObjectMapper(true)
            .withKeepNullableLoopValues(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .withHandleBackslashInQuotesOnly(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .build();
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            .withFailOnUnknownTokens(false)
            .withLegacyOverrides(python)
            .build();
    this.jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFilter(new ToJson());
    // transformers gives templates raise_exception(msg) to reject a conversation (e.g. a bad role).
    jinjava
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
  }

  /** Called by templates; ends the render with the template's own message. */
  public static String raiseException(String message) {
    throw new ChatTemplateException(message);
  }

  public static ChatTemplate chatMl() {
    return new ChatTemplate(CHATML);
  }

  /**
   * @param messages OpenAI messages as plain maps/lists (insertion-ordered), already normalised by
   *     {@link ChatMessages}
   * @param tools the request's {@code tools}, or null
   * @throws ChatTemplateException when the template fails on this input (a client error: the
   *     template rejects the conversation, e.g. a role it does not know)
   */
  public String render(
      List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
    Map<String, Object> context = new HashMap<>();
    context.put("messages", messages);
    context.put("tools", tools == null || tools.isEmpty() ? null : tools);
    context.put("add_generation_prompt", addGenerationPrompt);
    context.put("bos_token", "");
    context.put("eos_token", "<|im_end|>");
    RenderResult result;
    try {
      result = jinjava.renderForResult(template, context);
    } catch (ChatTemplateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ChatTemplateException(
          "The chat template could not render these messages: " + rootMessage(e));
    }
    List<TemplateError> fatal =
        result.getErrors().stream()
            .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
            .toList();
    for (TemplateError e : fatal) {
      Throwable cause = e.getException();
      while (cause != null) {
        if (cause instanceof ChatTemplateException raised) {
          throw raised;
        }
        cause = cause.getCause();
      }
    }
    if (!fatal.isEmpty()) {
      throw new ChatTemplateException(
          "The chat template could not render these messages: "
              + fatal.stream().map(TemplateError::getMessage).collect(Collectors.joining("; ")));
    }
    return result.getOutput();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      if (root instanceof ChatTemplateException) {
        break;
      }
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** {@code tojson} as Python's {@code json.dumps(x, ensure_ascii=False)}. */
  private static final class ToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PythonJson.dumps(var);
    }
  }
}
