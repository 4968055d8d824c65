package io.qwenops.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.qwenops.operator.exporter.ExporterGpuLookup;
import io.qwenops.operator.inference.InferenceHealthLookup;
import io.qwenops.operator.reconciler.EventRecorder;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import io.qwenops.operator.reconciler.KubernetesClusterLookup;
import io.qwenops.operator.reconciler.QwenDeploymentReconciler;
import io.qwenops.operator.status.PodDownloadLookup;
import io.qwenops.operator.status.PodGpuLookup;
import java.time.Clock;
import java.time.Duration;

/** Wires the reconciler into a JOSDK Operator; Main and the tests build it the same way. */
public final class QwenOperator {

  private QwenOperator() {}

  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      MeterRegistry registry,
      InvalidSpecBackoff backoff) {
    return create(client, settings, registry, backoff, ExporterGpuLookup.standard());
  }

  /** As above, with the way GPU UUIDs are learnt from the pods chosen by the caller. */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      MeterRegistry registry,
      InvalidSpecBackoff backoff,
      PodGpuLookup gpuLookup) {
    return create(client, settings, registry, backoff, gpuLookup, InferenceHealthLookup.standard());
  }

  /** As above, with the way model downloads are learnt from the pods chosen by the caller too. */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      MeterRegistry registry,
      InvalidSpecBackoff backoff,
      PodGpuLookup gpuLookup,
      PodDownloadLookup downloadLookup) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(
                      MicrometerMetrics.newMicrometerMetricsBuilder(registry)
                          // Per-controller series only: per-resource tags would grow without bound.
                          .notCollectingMetricsPerResource()
                          .build())
                  .withConcurrentReconciliationThreads(settings.reconcileThreads())
                  // Owned objects by server-side apply under one field manager: a field dropped
                  // from the spec is removed, fields other managers own are left alone
                  // (dependent/AppliedDependent, docs/operator.md "How the operator writes").
                  .withSSABasedCreateUpdateMatchForDependentResources(true)
                  // Status is written by StatusWriter (a PUT with optimistic locking, retried on
                  // conflict), never by JOSDK's patch against the cached copy.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false);
              if (settings.leaderElection()) {
                Duration lease = settings.leaseDuration();
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        settings.leaseNamespace(),
                        lease,
                        lease.multipliedBy(2).dividedBy(3),
                        lease.dividedBy(5),
                        settings.leaseIdentity(),
                        null,
                        settings.exitOnLostLease()));
              }
            });
    Clock clock = Clock.systemUTC();
    var reconciler =
        new QwenDeploymentReconciler(
            new KubernetesClusterLookup(client),
            new EventRecorder(client, clock),
            backoff,
            gpuLookup,
            downloadLookup,
            settings.defaultImages(),
            clock);
    operator.register(
        reconciler,
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    return operator;
  }
}
