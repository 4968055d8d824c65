package io.qwenops.operator.console.deployments;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.qwenops.operator.console.deployments.DeploymentView.ConditionView;
import io.qwenops.operator.console.deployments.DeploymentView.PodConditionView;
import io.qwenops.operator.console.deployments.DeploymentView.PodView;
import io.qwenops.operator.crd.PodSummary;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.crd.QwenDeploymentStatus;
import io.qwenops.operator.desired.PodContract;
import io.qwenops.operator.model.ModelSource;
import io.qwenops.operator.naming.Names;
import io.qwenops.operator.podhttp.PodEndpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Pure: a QwenDeployment and its live pods → what the console shows and where it reaches them. */
public final class DeploymentViews {

  /** Annotation on a QwenDeployment whose text the console shows above its page. */
  public static final String NOTICE = "qwenops.io/notice";

  private DeploymentViews() {}

  public static ConsoleDeployment of(QwenDeployment qd, List<Pod> observedPods) {
    return of(qd, observedPods, ServiceAddress.CLUSTER_DNS);
  }

  public static ConsoleDeployment of(
      QwenDeployment qd, List<Pod> observedPods, ServiceAddress serviceAddress) {
    QwenDeploymentSpec spec = qd.getSpec();
    QwenDeploymentStatus status = qd.getStatus();
    String namespace = qd.getMetadata().getNamespace();
    String name = qd.getMetadata().getName();
    List<Pod> pods =
        observedPods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    boolean exporter =
        spec.getExporter() == null || !Boolean.FALSE.equals(spec.getExporter().getEnabled());
    List<PodView> podViews = new ArrayList<>();
    List<PodTarget> targets = new ArrayList<>();
    for (Pod pod : pods) {
      PodView view = podView(pod, status);
      podViews.add(view);
      targets.add(
          new PodTarget(
              namespace,
              view.name(),
              view.ready(),
              PodEndpoint.of(
                      pod,
                      PodContract.INFERENCE_CONTAINER,
                      PodContract.OPENAI_PORT_NAME,
                      PodContract.OPENAI_PORT,
                      "http",
                      "/metrics")
                  .orElse(null),
              exporter
                  ? PodEndpoint.of(
                          pod,
                          PodContract.EXPORTER_CONTAINER,
                          PodContract.TELEMETRY_PORT_NAME,
                          PodContract.TELEMETRY_PORT,
                          "ws",
                          "/ws/gpu")
                      .orElse(null)
                  : null));
    }
    int desired = spec.getReplicas() == null ? 1 : spec.getReplicas();
    int ready = (int) podViews.stream().filter(PodView::ready).count();
    String endpoint =
        status != null && status.getEndpoint() != null ? status.getEndpoint() : Names.endpoint(qd);
    DeploymentView view =
        new DeploymentView(
            namespace,
            name,
            spec.getModel() == null ? null : spec.getModel().getSource(),
            servedModelName(spec),
            new DeploymentView.Replicas(desired, ready),
            spec.getResources() == null ? null : spec.getResources().getGpus(),
            ready + "/" + desired,
            endpoint,
            status == null ? null : status.getObservedGeneration(),
            qd.getMetadata().getGeneration(),
            conditions(status),
            podViews,
            exporter,
            notice(qd));
    URI inference =
        serviceAddress.of(
            namespace,
            Names.service(qd),
            spec.getService() == null || spec.getService().getPort() == null
                ? PodContract.OPENAI_PORT
                : spec.getService().getPort());
    return new ConsoleDeployment(view, inference, targets, spec.getApiKeySecretRef());
  }

  static String servedModelName(QwenDeploymentSpec spec) {
    if (spec.getModel() == null) {
      return null;
    }
    if (spec.getModel().getServedName() != null) {
      return spec.getModel().getServedName();
    }
    try {
      return ModelSource.parse(spec.getModel().getSource()).defaultServedName();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<ConditionView> conditions(QwenDeploymentStatus status) {
    if (status == null || status.getConditions() == null) {
      return List.of();
    }
    List<ConditionView> views = new ArrayList<>();
    for (Condition c : status.getConditions()) {
      views.add(
          new ConditionView(
              c.getType(),
              c.getStatus(),
              c.getReason(),
              c.getMessage(),
              c.getLastTransitionTime()));
    }
    return views;
  }

  private static PodView podView(Pod pod, QwenDeploymentStatus status) {
    String name = pod.getMetadata().getName();
    var podStatus = pod.getStatus();
    List<PodConditionView> conditions = new ArrayList<>();
    boolean ready = false;
    int restarts = 0;
    if (podStatus != null) {
      for (PodCondition c :
          Objects.requireNonNullElse(podStatus.getConditions(), List.<PodCondition>of())) {
        conditions.add(
            new PodConditionView(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
        if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
          ready = true;
        }
      }
      for (ContainerStatus cs :
          Objects.requireNonNullElse(
              podStatus.getContainerStatuses(), List.<ContainerStatus>of())) {
        restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
      }
    }
    return new PodView(
        name,
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        podStatus == null ? null : podStatus.getPhase(),
        ready,
        restarts,
        gpuUuids(pod, status),
        conditions);
  }

  /** The pod annotation wins (as in the operator's status), else what the operator recorded. */
  private static List<String> gpuUuids(Pod pod, QwenDeploymentStatus status) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String annotated = annotations == null ? null : annotations.get(Names.GPU_UUIDS_ANNOTATION);
    if (annotated != null && !annotated.isBlank()) {
      return Arrays.stream(annotated.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .toList();
    }
    if (status != null && status.getPods() != null) {
      for (PodSummary summary : status.getPods()) {
        if (pod.getMetadata().getName().equals(summary.getName())
            && summary.getGpuUuids() != null) {
          return summary.getGpuUuids();
        }
      }
    }
    return List.of();
  }

  /**
   * What whoever runs this deployment wants its users to read first (annotation {@value NOTICE}).
   */
  static String notice(QwenDeployment qd) {
    var annotations = qd.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(NOTICE);
    return text == null || text.isBlank() ? null : text.strip();
  }
}
