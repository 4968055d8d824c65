package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.qwenops.operator.crd.QwenDeployment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An owned object written by server-side apply (JOSDK with SSA on: the controller's field manager,
 * {@code force}), matched by JOSDK's SSA matcher: only the fields the operator applied are
 * compared, so a field dropped from the spec is a difference (and the next apply removes it), while
 * a field another manager owns (an HPA's replicas, {@code kubectl rollout restart}'s annotation, a
 * policy engine's label) is not.
 *
 * <p>That matcher reads the ownership from the {@code managedFields} the API server records. A
 * server that records none (fabric8's mock) would make every reconcile write; there the ownership
 * is rebuilt from what this process last applied to the object ({@link AppliedFields}), which is
 * what a real server would have recorded.
 */
abstract class AppliedDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, QwenDeployment> {

  /** Bodies last applied, only for objects whose server recorded no managedFields. */
  private final Map<ResourceID, Map<String, Object>> appliedWithoutRecord =
      new ConcurrentHashMap<>();

  AppliedDependent(Class<R> resourceType) {
    super(resourceType);
  }

  @Override
  public Result<R> match(
      R actual, R desired, QwenDeployment primary, Context<QwenDeployment> context) {
    String fieldManager = context.getControllerConfiguration().fieldManager();
    if (!AppliedFields.recordedBy(actual, fieldManager)) {
      Map<String, Object> applied = appliedWithoutRecord.get(ResourceID.fromResource(actual));
      if (applied == null) {
        // Never applied by us (or not since a restart): apply once, and own the fields from now.
        return Result.computed(false, desired);
      }
      actual =
          context
              .getControllerConfiguration()
              .getConfigurationService()
              .getResourceCloner()
              .clone(actual);
      actual.getMetadata().setManagedFields(List.of(AppliedFields.entry(fieldManager, applied)));
      try {
        return super.match(actual, desired, primary, context);
      } catch (IllegalStateException e) {
        // An item we applied is gone from the live list (someone removed it): apply it again.
        return Result.computed(false, desired);
      }
    }
    return super.match(actual, desired, primary, context);
  }

  @Override
  public R create(R desired, QwenDeployment primary, Context<QwenDeployment> context) {
    return remember(desired, super.create(desired, primary, context), context);
  }

  @Override
  public R update(R actual, R desired, QwenDeployment primary, Context<QwenDeployment> context) {
    return remember(desired, super.update(actual, desired, primary, context), context);
  }

  @Override
  protected void addReferenceHandlingMetadata(R target, QwenDeployment primary) {
    ControllerReference.set(target, primary);
  }

  @SuppressWarnings("unchecked")
  private R remember(R sent, R answer, Context<QwenDeployment> context) {
    ResourceID id = ResourceID.fromResource(answer);
    if (AppliedFields.recordedBy(answer, context.getControllerConfiguration().fieldManager())) {
      appliedWithoutRecord.remove(id);
    } else {
      appliedWithoutRecord.put(
          id, context.getClient().getKubernetesSerialization().convertValue(sent, Map.class));
    }
    return answer;
  }
}
