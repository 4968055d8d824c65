package io.qwenops.operator.console.deployments;

import java.net.URI;

/**
 * Where the gateway reaches one pod: its engine's Prometheus endpoint and, when the sidecar runs,
 * its gpu-exporter's WebSocket. {@code metricsUrl} is null while the pod has no IP.
 */
public record PodTarget(
    String namespace, String pod, boolean ready, URI metricsUrl, URI exporterStreamUrl) {}
