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

/**
 * Renders a Hugging Face chat template the way transformers does ({@code trim_blocks}, {@code
 * lstrip_blocks}, Python-style {@code tojson}), with Jinjava. Thread-safe: one instance per served
 * model.
 *
 * <p>Message text is data, never template code: nested interpretation is off, so a value that holds
 * {@code {{ ... }}} or {@code {% ... %}} is written out as it is (as jinja2 does). Each render is
 * bounded ({@link Limits}): its output, its loop iterations, its strings and its include/macro
 * depth, so no template and no conversation can hold a request thread for long.
 */
public final class ChatTemplate {

  /**
   * Bounds on one render.
   *
   * @param maxOutputChars the rendered prompt's length at most
   * @param maxLoopIterations {@code for} iterations and rendered nodes at most, all loops of the
   *     render together
   */
  public record Limits(long maxOutputChars, long maxLoopIterations) {
    /**
     * Far above any conversation an 8 MiB body can hold (the output is the messages plus the
     * template's markup), far below what would exhaust the heap or pin a thread for long.
     */
    public static final Limits DEFAULT = new Limits(32L << 20, 250_000);
  }

  /** Jinjava's {@code range()} is cut at this many items. */
  private static final int RANGE_LIMIT = 10_000;

  /** Includes, imports and macros nested at most this deep. */
  private static final int MAX_RENDER_DEPTH = 10;

  /** What transformers falls back to for a model without a template (ChatML). */
  public static final String CHATML =
      "{% for message in messages %}"
          + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
          + "{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private final String template;
  private final Limits limits;
  private final Jinjava jinjava;

  public ChatTemplate(String template) {
    this(template, Limits.DEFAULT);
  }

  public ChatTemplate(String template, Limits limits) {
    this.template = template;
    this.limits = limits;
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
            // User text is data: a value holding {{ }} or {% %} must not be rendered again.
            .withNestedInterpretationEnabled(false)
            .withMaxOutputSize(limits.maxOutputChars())
            .withMaxStringLength(limits.maxOutputChars())
            .withRangeLimit(RANGE_LIMIT)
            .withMaxRenderDepth(MAX_RENDER_DEPTH)
            .withEnableRecursiveMacroCalls(false)
            .withNodePreProcessor(new RenderBudget(limits.maxOutputChars()))
            .build();
    this.jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerTag(new BoundedForTag());
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
    throw new ChatTemplateException(ChatTemplateException.Kind.REJECTED, message);
  }

  public static ChatTemplate chatMl() {
    return new ChatTemplate(CHATML);
  }

  /**
   * @param messages OpenAI messages as plain maps/lists (insertion-ordered), already normalised by
   *     {@link ChatMessages}
   * @param tools the request's {@code tools}, or null
   * @throws ChatTemplateException when the render fails: the template rejects the conversation
   *     ({@link ChatTemplateException.Kind#REJECTED}), a bound was hit ({@code TOO_LARGE}), or the
   *     template itself is broken ({@code BROKEN})
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
      result =
          RenderBudget.with(
              limits.maxLoopIterations(), () -> jinjava.renderForResult(template, context));
    } catch (RuntimeException e) {
      ChatTemplateException own = ownCause(e);
      if (own != null) {
        throw own;
      }
      throw broken(rootMessage(e));
    }
    List<TemplateError> fatal =
        result.getErrors().stream()
            .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
            .toList();
    if (!fatal.isEmpty()) {
      throw RenderBudget.fatal(fatal.get(0), limits.maxOutputChars());
    }
    return result.getOutput();
  }

  private static ChatTemplateException broken(String detail) {
    return new ChatTemplateException(
        ChatTemplateException.Kind.BROKEN, "The chat template failed: " + detail);
  }

  /** Our own exception (raise_exception, the loop budget) somewhere in the causes, or null. */
  private static ChatTemplateException ownCause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ChatTemplateException own) {
        return own;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
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
