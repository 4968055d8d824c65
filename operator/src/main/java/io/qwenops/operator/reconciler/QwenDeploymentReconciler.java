package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.dependent.AutoscalerDependent;
import io.qwenops.operator.dependent.AutoscalingRequested;
import io.qwenops.operator.dependent.DisruptionBudgetDependent;
import io.qwenops.operator.dependent.InferenceDeploymentDependent;
import io.qwenops.operator.dependent.InferenceServiceDependent;
import io.qwenops.operator.dependent.ModelCacheClaimDependent;
import io.qwenops.operator.dependent.MoreThanOneReplica;
import io.qwenops.operator.dependent.OperatorManagedCache;
import io.qwenops.operator.desired.DefaultImages;
import io.qwenops.operator.naming.Names;
import io.qwenops.operator.status.ConditionMerger;
import io.qwenops.operator.status.ConditionTypes;
import io.qwenops.operator.status.ModelDownload;
import io.qwenops.operator.status.PodDownloadLookup;
import io.qwenops.operator.status.PodGpuLookup;
import io.qwenops.operator.status.SpecProblem;
import io.qwenops.operator.status.StatusAggregator;
import io.qwenops.operator.status.VolumeTrouble;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the spec, then lets the workflow bring the owned objects in line, then writes status
 * from the Deployment and pods. An invalid spec stops before the workflow so a typo never tears
 * down pods that are serving.
 */
@ControllerConfiguration(fieldManager = QwenDeploymentReconciler.FIELD_MANAGER)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "deployment", type = InferenceDeploymentDependent.class),
      @Dependent(name = "service", type = InferenceServiceDependent.class),
      @Dependent(
          name = "pdb",
          type = DisruptionBudgetDependent.class,
          reconcilePrecondition = MoreThanOneReplica.class),
      @Dependent(
          name = "model-cache",
          type = ModelCacheClaimDependent.class,
          reconcilePrecondition = OperatorManagedCache.class),
      @Dependent(
          name = "autoscaler",
          type = AutoscalerDependent.class,
          reconcilePrecondition = AutoscalingRequested.class)
    })
public class QwenDeploymentReconciler implements Reconciler<QwenDeployment> {

  /**
   * The field manager of every write: what {@code kubectl get -o yaml --show-managed-fields} shows.
   */
  public static final String FIELD_MANAGER = "qwenops-operator";

  private static final Logger LOG = LoggerFactory.getLogger(QwenDeploymentReconciler.class);
  static final String PODS_EVENT_SOURCE = "pods";
  private static final String BY_INSTANCE_LABEL = "namespace/instance-label";

  private final ClusterLookup cluster;
  private final SpecValidator validator;
  private final SpecWarnings warnings;
  private final EventRecorder events;
  private final InvalidSpecBackoff backoff;
  private final PodGpuLookup gpuLookup;
  private final PodDownloadLookup downloadLookup;
  private final DefaultImages defaultImages;
  private final Clock clock;

  /** While a pod downloads its model, status is refreshed this often (no pod event says so). */
  static final Duration DOWNLOAD_REFRESH = Duration.ofSeconds(10);

  /** While a pod waits on its volumes, its Events are read again this often. */
  static final Duration VOLUME_REFRESH = Duration.ofSeconds(15);

  public QwenDeploymentReconciler(
      ClusterLookup cluster,
      EventRecorder events,
      InvalidSpecBackoff backoff,
      PodGpuLookup gpuLookup,
      PodDownloadLookup downloadLookup,
      DefaultImages defaultImages,
      Clock clock) {
    this.cluster = cluster;
    this.validator = new SpecValidator(cluster);
    this.warnings = new SpecWarnings(cluster);
    this.events = events;
    this.backoff = backoff;
    this.gpuLookup = gpuLookup;
    this.downloadLookup = downloadLookup;
    this.defaultImages = defaultImages;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, QwenDeployment>> prepareEventSources(
      EventSourceContext<QwenDeployment> context) {
    // Pods belong to ReplicaSets, not to us: map them back by the instance label. That label is
    // the QwenDeployment's name only when the name fits in a label, so look it up in an index.
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(
        BY_INSTANCE_LABEL,
        qd -> List.of(instanceKey(qd.getMetadata().getNamespace(), Names.instance(qd))));
    var config =
        InformerEventSourceConfiguration.from(Pod.class, QwenDeployment.class)
            .withName(PODS_EVENT_SOURCE)
            .withLabelSelector(Names.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(
                pod -> {
                  String instance = pod.getMetadata().getLabels().get(Names.LABEL_INSTANCE);
                  if (instance == null) {
                    return Set.of();
                  }
                  return primaries
                      .byIndex(
                          BY_INSTANCE_LABEL,
                          instanceKey(pod.getMetadata().getNamespace(), instance))
                      .stream()
                      .map(ResourceID::fromResource)
                      .collect(Collectors.toSet());
                })
            .build();
    return List.of(new InformerEventSource<>(config, context));
  }

  private static String instanceKey(String namespace, String instance) {
    return namespace + "/" + instance;
  }

  @Override
  public UpdateControl<QwenDeployment> reconcile(
      QwenDeployment qd, Context<QwenDeployment> context) {
    Instant now = clock.instant();
    Optional<SpecProblem> problem = validator.validate(qd);
    if (problem.isPresent()) {
      return rejectSpec(qd, context, problem.get(), now);
    }
    var workflow = context.managedWorkflowAndDependentResourceContext();
    // The dependents are built by JOSDK, not by us: they read the operator's defaults from here.
    workflow.put(DefaultImages.class.getName(), defaultImages);
    workflow.reconcileManagedWorkflow();
    LeftoverOwnedObjects.delete(qd, context);

    List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
    PodGpuLookup.Answer gpus = gpuLookup.lookup(pods, () -> ExporterToken.read(cluster, qd));
    Map<String, ModelDownload> downloads = downloadLookup.lookup(pods);
    Map<String, VolumeTrouble> volumes = PodVolumeEvents.of(pods, cluster);
    var deployment = LeftoverOwnedObjects.deployment(qd, context);
    var specWarnings = warnings.of(qd);
    StatusWriter.write(
        qd,
        context,
        current ->
            new StatusAggregator(qd)
                .warnings(specWarnings)
                .deployment(deployment)
                .pods(pods, gpus.uuidsByPod(), volumes)
                .downloads(downloads)
                .build(current, now));
    UpdateControl<QwenDeployment> control = UpdateControl.noUpdate();
    // A running pod whose exporter has not named its GPUs yet, or a download under way: look
    // again later, the sooner of the two.
    Optional<Duration> again = gpus.askAgainAfter();
    if (!downloads.isEmpty()) {
      again = sooner(again, DOWNLOAD_REFRESH);
    }
    // A volume's Events trigger no reconcile, and FailedMount comes minutes after the pod.
    if (PodVolumeEvents.anyAwaited(pods)) {
      again = sooner(again, VOLUME_REFRESH);
    }
    return again.map(control::rescheduleAfter).orElse(control);
  }

  private static Optional<Duration> sooner(Optional<Duration> again, Duration refresh) {
    return Optional.of(again.filter(d -> d.compareTo(refresh) < 0).orElse(refresh));
  }

  private UpdateControl<QwenDeployment> rejectSpec(
      QwenDeployment qd, Context<QwenDeployment> context, SpecProblem problem, Instant now) {
    List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
    var deployment = LeftoverOwnedObjects.deployment(qd, context);
    var gpus = gpuLookup.lookup(pods, () -> ExporterToken.read(cluster, qd)).uuidsByPod();
    StatusWriter.Written written =
        StatusWriter.write(
            qd,
            context,
            current ->
                new StatusAggregator(qd)
                    .specProblem(problem)
                    .deployment(deployment)
                    .pods(pods, gpus)
                    .build(current, now));
    // Judged against the status the server had, not the cached copy: a problem already reported
    // gets no second Warning, however stale the cache was.
    Condition before =
        written.previous() == null
            ? null
            : ConditionMerger.find(written.previous().getConditions(), ConditionTypes.DEGRADED);
    boolean sameProblem =
        before != null
            && ConditionTypes.TRUE.equals(before.getStatus())
            && problem.reason().equals(before.getReason())
            && problem.message().equals(before.getMessage());
    if (!sameProblem) {
      LOG.info(
          "{}/{}: {}: {}",
          qd.getMetadata().getNamespace(),
          qd.getMetadata().getName(),
          problem.reason(),
          problem.message());
      events.warning(qd, problem.reason(), problem.message());
    }
    Instant brokenSince = sameProblem ? since(before, now) : now;
    Duration wait = backoff.next(Duration.between(brokenSince, now));
    return UpdateControl.<QwenDeployment>noUpdate().rescheduleAfter(wait);
  }

  @Override
  public ErrorStatusUpdateControl<QwenDeployment> updateErrorStatus(
      QwenDeployment qd, Context<QwenDeployment> context, Exception e) {
    if (isNotFound(e)) {
      // Deleted while we worked: nothing left to report on.
      return ErrorStatusUpdateControl.<QwenDeployment>noStatusUpdate().withNoRetry();
    }
    // JOSDK retries with backoff. Only Degraded changes: the pods may well be serving, and
    // Ready should keep saying so.
    Instant now = clock.instant();
    try {
      StatusWriter.write(
          qd,
          context,
          current ->
              StatusAggregator.degradedOnly(
                  qd,
                  current,
                  ConditionTypes.REASON_RECONCILE_ERROR,
                  "reconcile failed, retrying: " + e.getMessage(),
                  now));
    } catch (KubernetesClientException writeFailed) {
      LOG.warn(
          "{}/{}: could not write status: {}",
          qd.getMetadata().getNamespace(),
          qd.getMetadata().getName(),
          writeFailed.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private static Instant since(Condition condition, Instant fallback) {
    try {
      return condition.getLastTransitionTime() == null
          ? fallback
          : Instant.parse(condition.getLastTransitionTime());
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static boolean isNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 404) {
        return true;
      }
    }
    return false;
  }
}
