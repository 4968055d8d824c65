package io.qwenops.inference.api.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The work one render may do: loop iterations ({@link BoundedForTag} charges each loop its length)
 * and nodes rendered (this, as Jinjava's node pre-processor, charges one per node). Jinjava records
 * most failures (output too big, a bad expression) as errors and renders on; the pre-processor ends
 * the render at the first fatal one instead, so a template that overflows its output in a loop
 * stops there rather than failing once per remaining iteration. Once spent, the budget fails the
 * render once; after that loops no longer iterate ({@link #spent()}), so what remains of the render
 * costs little (its output is thrown away).
 */
final class RenderBudget implements BiConsumer<Node, JinjavaInterpreter> {

  /** Jinjava's reasons for a render that hit one of its bounds. */
  static final Set<TemplateError.ErrorReason> OVER_A_BOUND =
      EnumSet.of(
          TemplateError.ErrorReason.OUTPUT_TOO_BIG,
          TemplateError.ErrorReason.COLLECTION_TOO_BIG,
          TemplateError.ErrorReason.OVER_LIMIT);

  /** The current render's remaining work; set around each render on the rendering thread. */
  private static final ThreadLocal<long[]> LEFT = new ThreadLocal<>();

  private final long maxOutputChars;

  RenderBudget(long maxOutputChars) {
    this.maxOutputChars = maxOutputChars;
  }

  /** Runs {@code render} with {@code work} iterations and nodes to spend. */
  static <T> T with(long work, Supplier<T> render) {
    long[] previous = LEFT.get();
    LEFT.set(new long[] {work});
    try {
      return render.get();
    } finally {
      LEFT.set(previous);
    }
  }

  /** Spends {@code n}; fails the render (once) when that is more than is left. */
  static void charge(long n) {
    long[] left = LEFT.get();
    if (left == null || left[0] < 0) {
      return;
    }
    left[0] -= Math.max(1, n);
    if (left[0] < 0) {
      throw new ChatTemplateException(
          ChatTemplateException.Kind.TOO_LARGE,
          "The chat template ran more loop iterations than the limit allows for one render");
    }
  }

  /** Whether the render has failed: loops should not run. */
  static boolean spent() {
    long[] left = LEFT.get();
    return left != null && left[0] < 0;
  }

  @Override
  public void accept(Node node, JinjavaInterpreter interpreter) {
    if (spent()) {
      return;
    }
    for (TemplateError e : interpreter.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        long[] left = LEFT.get();
        if (left != null) {
          left[0] = -1;
        }
        throw fatal(e, maxOutputChars);
      }
    }
    charge(1);
  }

  /** What a fatal Jinjava error means for the API. */
  static ChatTemplateException fatal(TemplateError e, long maxOutputChars) {
    for (Throwable c = e.getException(); c != null; c = c.getCause()) {
      if (c instanceof ChatTemplateException own) {
        return own;
      }
    }
    if (OVER_A_BOUND.contains(e.getReason())) {
      return new ChatTemplateException(
          ChatTemplateException.Kind.TOO_LARGE,
          "The chat template's output for these messages exceeds the limit of "
              + maxOutputChars
              + " characters");
    }
    return new ChatTemplateException(
        ChatTemplateException.Kind.BROKEN, "The chat template failed: " + e.getMessage());
  }
}
