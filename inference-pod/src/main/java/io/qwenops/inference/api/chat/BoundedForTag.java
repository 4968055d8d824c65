package io.qwenops.inference.api.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Jinjava's {@code for}, charged against a per-render budget of loop iterations: Jinjava bounds
 * output and {@code range()} but not iterations, so nested loops with empty bodies could otherwise
 * spin a thread for minutes. A loop is charged its whole length before it starts; once the budget
 * is spent every further loop fails at once.
 */
final class BoundedForTag extends ForTag {

  @Override
  public String renderForCollection(
      TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars, Object collection) {
    if (RenderBudget.spent()) {
      return "";
    }
    RenderBudget.charge(length(collection));
    return super.renderForCollection(tagNode, interpreter, loopVars, collection);
  }

  private static long length(Object collection) {
    if (collection instanceof Collection<?> c) {
      return c.size();
    }
    if (collection instanceof Map<?, ?> m) {
      return m.size();
    }
    if (collection != null && collection.getClass().isArray()) {
      return Array.getLength(collection);
    }
    return 1;
  }
}
