package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.naming.Names;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes core/v1 Events about a QwenDeployment, as `kubectl describe qd` shows them. */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "qwenops-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void warning(QwenDeployment qd, String reason, String message) {
    record(qd, "Warning", reason, message);
  }

  public void normal(QwenDeployment qd, String reason, String message) {
    record(qd, "Normal", reason, message);
  }

  private void record(QwenDeployment qd, String type, String reason, String message) {
    String now = clock.instant().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(Names.event(qd))
            .withNamespace(qd.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(qd.getApiVersion())
                    .withKind(qd.getKind())
                    .withName(qd.getMetadata().getName())
                    .withNamespace(qd.getMetadata().getNamespace())
                    .withUid(qd.getMetadata().getUid())
                    .withResourceVersion(qd.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(qd.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: losing one must not fail the reconcile.
      LOG.warn(
          "could not record event {} for {}: {}",
          reason,
          qd.getMetadata().getName(),
          e.getMessage());
    }
  }
}
