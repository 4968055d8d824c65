package io.qwenops.operator.app;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator settings, from environment variables (the Deployment of the operator sets them).
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param leaderElection whether to hold a Lease before reconciling (two replicas are then safe)
 * @param leaseName the Lease's name
 * @param leaseNamespace where the Lease lives (the operator's own namespace)
 * @param httpPort port of /healthz, /readyz and /metrics
 * @param reconcileThreads concurrent reconciles
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int httpPort,
    int reconcileThreads) {

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
        Integer.parseInt(env.getOrDefault("QWENOPS_HTTP_PORT", "8080")),
        Integer.parseInt(env.getOrDefault("QWENOPS_RECONCILE_THREADS", "10")));
  }
}
