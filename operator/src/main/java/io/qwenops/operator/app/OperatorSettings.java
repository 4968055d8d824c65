package io.qwenops.operator.app;

import io.qwenops.operator.desired.DefaultImages;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Operator settings, from environment variables (the operator's own Deployment sets them).
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param leaderElection whether to hold a Lease before reconciling (two replicas are then safe)
 * @param leaseName the Lease's name
 * @param leaseNamespace where the Lease lives (the operator's own namespace)
 * @param leaseIdentity who holds the Lease: the pod name
 * @param leaseDuration how long a Lease lasts without renewal; a standby takes over after it
 * @param exitOnLostLease exit when leadership is lost, so Kubernetes restarts the pod as a standby
 * @param httpPort port of /healthz, /readyz and /metrics
 * @param reconcileThreads concurrent reconciles
 * @param defaultImages the images of a QwenDeployment that pins none (QWENOPS_DEFAULT_*_IMAGE)
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String leaseIdentity,
    Duration leaseDuration,
    boolean exitOnLostLease,
    int httpPort,
    int reconcileThreads,
    DefaultImages defaultImages) {

  public static final String DEFAULT_LEASE_NAME = "qwenops-operator-leader";

  public static OperatorSettings fromEnv(Map<String, String> env) {
    String namespaces = env.getOrDefault("QWENOPS_WATCH_NAMESPACES", "");
    return new OperatorSettings(
        Arrays.stream(namespaces.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        Boolean.parseBoolean(env.getOrDefault("QWENOPS_LEADER_ELECTION", "true")),
        env.getOrDefault("QWENOPS_LEASE_NAME", DEFAULT_LEASE_NAME),
        env.getOrDefault("QWENOPS_OPERATOR_NAMESPACE", env.get("POD_NAMESPACE")),
        env.getOrDefault("POD_NAME", hostnameOrRandom()),
        Duration.ofSeconds(positive(env, "QWENOPS_LEASE_SECONDS", 15)),
        true,
        positive(env, "QWENOPS_HTTP_PORT", 8080),
        positive(env, "QWENOPS_RECONCILE_THREADS", 10),
        DefaultImages.fromEnv(env));
  }

  /** Settings for a single in-process operator (tests, the benchmark): no lease, no HTTP port. */
  public static OperatorSettings standalone(int reconcileThreads) {
    return new OperatorSettings(
        Set.of(),
        false,
        DEFAULT_LEASE_NAME,
        null,
        "standalone",
        Duration.ofSeconds(15),
        false,
        0,
        reconcileThreads,
        DefaultImages.BUILD);
  }

  /** These settings with other default images (an operator upgrade, in tests). */
  public OperatorSettings withDefaultImages(DefaultImages images) {
    return new OperatorSettings(
        watchNamespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        leaseIdentity,
        leaseDuration,
        exitOnLostLease,
        httpPort,
        reconcileThreads,
        images);
  }

  private static int positive(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + "=" + value + " is not a positive whole number");
  }

  private static String hostnameOrRandom() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "qwenops-operator-" + UUID.randomUUID();
    }
  }
}
