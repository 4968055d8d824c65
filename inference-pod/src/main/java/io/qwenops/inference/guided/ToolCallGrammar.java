package io.qwenops.inference.guided;

import io.qwenops.inference.engine.TokenConstraint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Guided decoding of one Qwen2.5 tool call after the prompt has been made to end with the call's
 * opening ({@link ForcedToolCall}): the function name (one of the declared ones, unless the prompt
 * already names it), then {@code , "arguments": }, a JSON object (any, or one that the function's
 * {@code parameters} schema admits when it is strict: {@link JsonPrefix}), and {@code
 * }\n</tool_call>}, after which generation stops. Fixed text is forced token by token (as the
 * tokenizer spells it); the model chooses within the name and the arguments.
 *
 * <p>The call always fits {@code max_tokens} when it can: a token is allowed only if what would
 * still be needed to close the call fits the tokens left, and once it only just fits the shortest
 * closing is forced ({@link #closedEarly()}: the arguments were cut short). Every byte of closing
 * is counted as a token, which is never fewer tokens than it takes.
 */
public final class ToolCallGrammar implements TokenConstraint {

  public static final String ARGUMENTS_KEY = ", \"arguments\": ";

  /** Closes the arguments' object, the call's object and Qwen2.5's {@code <tool_call>} block. */
  static final String TAIL = "}\n</tool_call>";

  private enum Phase {
    NAME,
    ARGUMENTS_KEY,
    ARGUMENTS,
    TAIL,
    DONE
  }

  private final TokenTable table;
  private final GuidedTokenizer tokenizer;
  private final NameTrie names;
  private final List<JsonSchema> arguments;
  private final int maxGrowthPerByte;
  private final int maxTokens;
  private final int tailTokens;
  private final ArrayDeque<Integer> plan = new ArrayDeque<>();
  private State state;
  private int generated;
  private int cost;
  private boolean closedEarly;

  /**
   * @param names JSON-escaped names the call may use (their text between the quotes); empty when
   *     the prompt already holds the name and the arguments come next
   * @param arguments the arguments' schema per name (one when {@code names} is empty): any object,
   *     or the function's {@code parameters} when it is strict
   * @param maxTokens the request's token budget
   */
  public ToolCallGrammar(
      TokenTable table,
      GuidedTokenizer tokenizer,
      List<String> names,
      List<JsonSchema> arguments,
      int maxTokens) {
    this.table = table;
    this.tokenizer = tokenizer;
    this.arguments = List.copyOf(arguments);
    // A byte fed can lengthen the shortest closing by at most a value's shortest text and a key.
    int growth = 8;
    for (JsonSchema a : arguments) {
      growth = Math.max(growth, 8 + a.largestMinimal());
    }
    this.maxGrowthPerByte = growth;
    List<byte[]> bytes = new ArrayList<>();
    for (String n : names) {
      bytes.add(n.getBytes(StandardCharsets.UTF_8));
    }
    this.names = new NameTrie(bytes);
    this.maxTokens = maxTokens;
    this.tailTokens = table.encode(TAIL.getBytes(StandardCharsets.UTF_8), tokenizer).length;
    this.state = new State(names.isEmpty() ? Phase.ARGUMENTS : Phase.NAME);
    this.cost = cost(state);
  }

  /** The budget ran out before the model closed the arguments: they were closed for it. */
  public boolean closedEarly() {
    return closedEarly;
  }

  @Override
  public int forcedToken() {
    if (plan.isEmpty()) {
      planForcedText();
    }
    return plan.isEmpty() ? -1 : plan.peekFirst();
  }

  @Override
  public boolean allows(int tokenId) {
    if (!table.isText(tokenId)) {
      return false;
    }
    int left = maxTokens - generated - 1;
    if (state.phase == Phase.ARGUMENTS
        && state.json.inPlainString()
        && table.isPlainStringText(tokenId)) {
      return left >= cost; // the string just grows: nothing else changes
    }
    byte[] b = table.bytes(tokenId);
    State next = state.copy();
    for (byte x : b) {
      if (!next.feed(x)) {
        return false;
      }
    }
    return left >= cost + (long) maxGrowthPerByte * b.length || left >= cost(next);
  }

  @Override
  public boolean accept(int tokenId) {
    byte[] b = table.bytes(tokenId);
    if (b == null) {
      throw new IllegalStateException("token " + tokenId + " has no text");
    }
    for (byte x : b) {
      if (!state.feed(x)) {
        throw new IllegalStateException("token " + tokenId + " breaks the tool call");
      }
    }
    generated++;
    if (!plan.isEmpty() && plan.peekFirst() == tokenId) {
      plan.removeFirst();
    } else {
      plan.clear();
    }
    cost = cost(state);
    return state.phase == Phase.DONE;
  }

  /** Plans the tokens of fixed text: a literal, the rest of the only possible name, a closing. */
  private void planForcedText() {
    byte[] forced =
        switch (state.phase) {
          case ARGUMENTS_KEY, TAIL -> state.literalRest();
          case NAME -> state.onlyNameRest();
          default -> null;
        };
    if (forced != null) {
      plan(forced, false);
      return;
    }
    if (state.phase != Phase.DONE && maxTokens - generated <= cost) {
      closedEarly = state.phase == Phase.ARGUMENTS || state.phase == Phase.NAME;
      plan(state.closingBeforeTail(), true);
    }
  }

  /** Forces {@code text}, then the tail when {@code thenTail} (the tail is encoded on its own). */
  private void plan(byte[] text, boolean thenTail) {
    for (int id : table.encode(text, tokenizer)) {
      plan.addLast(id);
    }
    if (thenTail) {
      for (int id : table.encode(TAIL.getBytes(StandardCharsets.UTF_8), tokenizer)) {
        plan.addLast(id);
      }
    }
  }

  /** Tokens still needed at most to finish the call from {@code s}. */
  private int cost(State s) {
    return switch (s.phase) {
      case DONE -> 0;
      // The whole tail in tokens, as the other phases count it: in bytes, closing the arguments
      // would look dearer than keeping them open, and a tight budget would allow no token at all.
      case TAIL -> s.literalAt == 0 ? tailTokens : s.literalRest().length;
      default -> s.closingBeforeTail().length + tailTokens;
    };
  }

  /** Where the call stands, byte by byte. */
  private final class State {
    Phase phase;
    int nameNode;
    int nameLength;
    int literalAt;
    int chosen; // the name's index, for its arguments' schema
    JsonPrefix json;

    State(Phase phase) {
      this.phase = phase;
      if (phase == Phase.ARGUMENTS) {
        json = JsonPrefix.of(arguments.get(0));
      }
    }

    State copy() {
      State s = new State(phase);
      s.nameNode = nameNode;
      s.nameLength = nameLength;
      s.literalAt = literalAt;
      s.chosen = chosen;
      s.json = phase == Phase.ARGUMENTS ? json.copy() : json;
      return s;
    }

    boolean feed(byte b) {
      switch (phase) {
        case NAME:
          if (b == '"') {
            if (!names.isName(nameNode)) {
              return false;
            }
            chosen = names.index(nameNode);
            phase = Phase.ARGUMENTS_KEY;
            literalAt = 0;
            return true;
          }
          int next = names.next(nameNode, b);
          if (next < 0) {
            return false;
          }
          nameNode = next;
          nameLength++;
          return true;
        case ARGUMENTS_KEY:
          if (b != ARGUMENTS_KEY.charAt(literalAt)) {
            return false;
          }
          if (++literalAt == ARGUMENTS_KEY.length()) {
            phase = Phase.ARGUMENTS;
            json = JsonPrefix.of(arguments.get(chosen));
          }
          return true;
        case ARGUMENTS:
          if (!json.feed(b)) {
            return false;
          }
          if (json.done()) {
            phase = Phase.TAIL;
            literalAt = 0;
          }
          return true;
        case TAIL:
          byte[] tail = TAIL.getBytes(StandardCharsets.UTF_8);
          if (b != tail[literalAt]) {
            return false;
          }
          if (++literalAt == tail.length) {
            phase = Phase.DONE;
          }
          return true;
        default:
          return false;
      }
    }

    byte[] literalRest() {
      byte[] all = (phase == Phase.TAIL ? TAIL : ARGUMENTS_KEY).getBytes(StandardCharsets.UTF_8);
      return Arrays.copyOfRange(all, literalAt, all.length);
    }

    /** When one declared name alone fits what was chosen so far: its rest, the quote, the key. */
    byte[] onlyNameRest() {
      byte[] only = names.onlyName(nameNode);
      return only == null ? null : closeName(only);
    }

    /** The shortest bytes that finish the call up to (not including) the tail. */
    byte[] closingBeforeTail() {
      return switch (phase) {
        case NAME -> {
          byte[] shortest = names.shortestName(nameNode);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.writeBytes(closeName(shortest));
          out.writeBytes(arguments.get(names.indexOf(shortest)).minimal());
          yield out.toByteArray();
        }
        case ARGUMENTS_KEY -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.writeBytes(literalRest());
          out.writeBytes(arguments.get(chosen).minimal());
          yield out.toByteArray();
        }
        case ARGUMENTS -> json.completion();
        default -> new byte[0];
      };
    }

    private byte[] closeName(byte[] full) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(full, nameLength, full.length - nameLength);
      out.write('"');
      out.writeBytes(ARGUMENTS_KEY.getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }
  }
}
