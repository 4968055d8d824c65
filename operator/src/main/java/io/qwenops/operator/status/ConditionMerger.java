package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Carries lastTransitionTime over from the previous conditions: it moves only when a condition's
 * status changes, so `kubectl describe` shows how long something has been true.
 */
public final class ConditionMerger {

  private ConditionMerger() {}

  public static List<Condition> merge(
      List<Condition> previous, List<Condition> next, long generation, Instant now) {
    List<Condition> merged = new ArrayList<>();
    for (Condition condition : next) {
      Condition before = find(previous, condition.getType());
      String since =
          before != null
                  && Objects.equals(before.getStatus(), condition.getStatus())
                  && before.getLastTransitionTime() != null
              ? before.getLastTransitionTime()
              : now.toString();
      merged.add(
          new ConditionBuilder(condition)
              .withObservedGeneration(generation)
              .withLastTransitionTime(since)
              .build());
    }
    return merged;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
