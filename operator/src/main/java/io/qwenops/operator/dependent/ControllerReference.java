package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.qwenops.operator.crd.QwenDeployment;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks an owned object as controlled by its QwenDeployment (controller and blockOwnerDeletion set,
 * as Kubernetes' own controllers do), so the garbage collector removes it with the owner and no
 * second controller can adopt it.
 */
final class ControllerReference {

  private ControllerReference() {}

  static void set(HasMetadata owned, QwenDeployment owner) {
    OwnerReference reference =
        new OwnerReferenceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getMetadata().getName())
            .withUid(owner.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    List<OwnerReference> references = new ArrayList<>();
    if (owned.getMetadata().getOwnerReferences() != null) {
      owned.getMetadata().getOwnerReferences().stream()
          .filter(r -> !r.getUid().equals(reference.getUid()))
          .forEach(references::add);
    }
    references.add(reference);
    owned.getMetadata().setOwnerReferences(references);
  }
}
