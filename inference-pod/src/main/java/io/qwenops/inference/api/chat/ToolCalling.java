package io.qwenops.inference.api.chat;

import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.engine.TokenConstraint;
import io.qwenops.inference.guided.ToolCallGrammar;
import java.util.ArrayList;
import java.util.List;

/**
 * How one chat request treats tool calls: whether replies are read for {@code <tool_call>} blocks,
 * and, for {@code tool_choice} "required" or a named function, the forced call's prompt suffix and
 * one grammar per choice. Both the streaming and the plain answer ask it for the reply text and the
 * finish reason.
 */
public final class ToolCalling {

  private final boolean parse;
  private final ForcedToolCall forced;
  private final int maxCalls;
  private final List<ToolCallGrammar> grammars = new ArrayList<>();

  public ToolCalling(boolean parse, ForcedToolCall forced) {
    this(parse, forced, true);
  }

  /**
   * @param parallel false keeps only the first call of a reply ({@code parallel_tool_calls}); a
   *     forced call's grammar ends after one call either way
   */
  public ToolCalling(boolean parse, ForcedToolCall forced, boolean parallel) {
    this.parse = parse;
    this.forced = forced;
    this.maxCalls = parallel ? Integer.MAX_VALUE : 1;
  }

  /** The calls of a whole reply, at most as many as {@code parallel_tool_calls} allows. */
  public ToolCallParser.Parsed parse(String reply) {
    return ToolCallParser.parse(reply, maxCalls);
  }

  /** Appended to the rendered prompt: the forced call's opening, or nothing. */
  public String promptSuffix() {
    return forced == null ? "" : forced.prefix();
  }

  /** The next choice's constraint (choices ask in index order), or null when the model is free. */
  public TokenConstraint constraint(PromptTokenizer tokenizer, int vocabSize, int maxTokens) {
    if (forced == null) {
      return null;
    }
    ToolCallGrammar g = forced.grammar(tokenizer, vocabSize, maxTokens);
    grammars.add(g);
    return g;
  }

  public boolean parses() {
    return parse;
  }

  /** The whole reply of a choice: the forced opening (part of the prompt) and what followed. */
  public String replyText(String generated) {
    return promptSuffix() + generated;
  }

  /**
   * The stream's tool-call deltas for one choice, the forced opening already read; null when not
   * parsing.
   */
  public ToolCallDeltas streamDeltas() {
    return parse ? new ToolCallDeltas(maxCalls, promptSuffix()) : null;
  }

  /**
   * OpenAI's finish_reason: "tool_calls" when calls were read, except "length" when the budget ran
   * out and the grammar closed the arguments early; otherwise the engine's reason.
   */
  public String finishReason(int choice, String engineReason, boolean calls) {
    if (!calls) {
      return engineReason;
    }
    boolean cut = choice < grammars.size() && grammars.get(choice).closedEarly();
    return cut ? "length" : "tool_calls";
  }
}
