package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.qwenops.operator.crd.QwenDeploymentSpec;

/**
 * The inference pod's clocks: how long it may load (startup probe), when it counts as hung
 * (liveness), when it serves (readiness), and how it stops (preStop, drain, grace period).
 *
 * <p>Startup probes {@code /health}, which answers 200 only once the model serves: liveness does
 * not run until then, so a long download or load is never killed by it, and the budget {@code
 * failureThreshold × period} is at least {@code engine.loadTimeoutSeconds}. Liveness then probes
 * {@code /health/live}, which answers 503 once the engine stopped.
 */
public final class PodTiming {

  public static final int DEFAULT_LOAD_TIMEOUT_SECONDS = 1800;
  public static final int DEFAULT_TERMINATION_GRACE_SECONDS = 60;

  static final int STARTUP_PERIOD_SECONDS = 10;
  static final int LIVENESS_PERIOD_SECONDS = 15;
  static final int LIVENESS_FAILURE_THRESHOLD = 4;
  static final int READINESS_PERIOD_SECONDS = 5;
  static final int READINESS_FAILURE_THRESHOLD = 2;
  static final int PROBE_TIMEOUT_SECONDS = 3;

  /** Long enough for kube-proxy and ingress controllers to drop the pod's endpoint. */
  static final long PRE_STOP_SLEEP_SECONDS = 5;

  /** Left between the end of the drain and SIGKILL, for the server to close and exit. */
  static final int EXIT_MARGIN_SECONDS = 5;

  private PodTiming() {}

  static int loadTimeoutSeconds(QwenDeploymentSpec spec) {
    Integer value = spec.getEngine().getLoadTimeoutSeconds();
    return value == null ? DEFAULT_LOAD_TIMEOUT_SECONDS : value;
  }

  static int terminationGraceSeconds(QwenDeploymentSpec spec) {
    Integer value = spec.getTerminationGracePeriodSeconds();
    return value == null ? DEFAULT_TERMINATION_GRACE_SECONDS : value;
  }

  /** What the server gets for running requests after SIGTERM (QWENOPS_DRAIN_SECONDS). */
  static int drainSeconds(QwenDeploymentSpec spec) {
    return (int)
        Math.max(1, terminationGraceSeconds(spec) - PRE_STOP_SLEEP_SECONDS - EXIT_MARGIN_SECONDS);
  }

  /** The startup budget rounded up to whole periods. */
  static Probe startup(QwenDeploymentSpec spec) {
    int threshold = Math.ceilDiv(loadTimeoutSeconds(spec), STARTUP_PERIOD_SECONDS);
    return httpProbe(PodContract.READINESS_PATH, STARTUP_PERIOD_SECONDS, threshold);
  }

  static Probe liveness() {
    return httpProbe(
        PodContract.LIVENESS_PATH, LIVENESS_PERIOD_SECONDS, LIVENESS_FAILURE_THRESHOLD);
  }

  static Probe readiness() {
    return httpProbe(
        PodContract.READINESS_PATH, READINESS_PERIOD_SECONDS, READINESS_FAILURE_THRESHOLD);
  }

  /** A sleep before SIGTERM, so no new request is routed to a pod that has started to drain. */
  static Lifecycle preStopSleep() {
    return new LifecycleBuilder()
        .withNewPreStop()
        .withNewSleep(PRE_STOP_SLEEP_SECONDS)
        .endPreStop()
        .build();
  }

  /** A rollout that waits past the longest load is stalled. */
  static int progressDeadlineSeconds(QwenDeploymentSpec spec) {
    return loadTimeoutSeconds(spec) + 600;
  }

  static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(PodContract.OPENAI_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(PROBE_TIMEOUT_SECONDS)
        .build();
  }
}
