package io.qwenops.exporter;

import java.util.List;

/**
 * One setting: its CLI flag ({@code --name}), its key in the config file ({@code name}), its
 * environment variable, its default and a line of help. Precedence: flag, then environment, then
 * file, then default.
 */
record OptionSpec(String name, String env, String defaultValue, String help) {

  static final OptionSpec CONFIG =
      new OptionSpec(
          "config", "QWENOPS_EXPORTER_CONFIG", "", "properties file with any of these keys");
  static final OptionSpec HOST =
      new OptionSpec("host", "QWENOPS_EXPORTER_HOST", "0.0.0.0", "address to listen on");
  static final OptionSpec PORT =
      new OptionSpec("port", "QWENOPS_EXPORTER_PORT", "9400", "HTTP/WebSocket port (0 = any free)");
  static final OptionSpec INTERVAL_MS =
      new OptionSpec(
          "interval-ms", "QWENOPS_EXPORTER_INTERVAL_MS", "500", "sampling period, at least 100");
  static final OptionSpec HISTORY_MINUTES =
      new OptionSpec(
          "history-minutes",
          "QWENOPS_EXPORTER_HISTORY_MINUTES",
          "10",
          "how much history the ring buffer keeps (may be fractional)");
  static final OptionSpec CONNECT_HISTORY_SECONDS =
      new OptionSpec(
          "connect-history-seconds",
          "QWENOPS_EXPORTER_CONNECT_HISTORY_SECONDS",
          "120",
          "history a client gets unless it asks (WebSocket ?historySeconds=N, REST ?seconds=N)");
  static final OptionSpec CLIENT_QUEUE =
      new OptionSpec(
          "client-queue",
          "QWENOPS_EXPORTER_CLIENT_QUEUE",
          "32",
          "frames queued per WebSocket client before the oldest are dropped");
  static final OptionSpec MAX_CLIENTS =
      new OptionSpec(
          "max-clients",
          "QWENOPS_EXPORTER_MAX_CLIENTS",
          "128",
          "WebSocket clients at once; one more is closed with 1013 \"too many clients\"");
  static final OptionSpec SEND_TIMEOUT_SECONDS =
      new OptionSpec(
          "send-timeout-seconds",
          "QWENOPS_EXPORTER_SEND_TIMEOUT_SECONDS",
          "10",
          "a WebSocket write blocked this long closes the client (1008), the socket after as long again");
  static final OptionSpec PING_SECONDS =
      new OptionSpec(
          "ping-seconds",
          "QWENOPS_EXPORTER_PING_SECONDS",
          "15",
          "WebSocket keep-alive ping period");
  static final OptionSpec SEND_BUFFER_KB =
      new OptionSpec(
          "send-buffer-kb",
          "QWENOPS_EXPORTER_SEND_BUFFER_KB",
          "256",
          "kernel send buffer per connection (bounds memory a stalled client pins; 0 = OS default)");
  static final OptionSpec NVML_LIBRARY =
      new OptionSpec(
          "nvml-library",
          "QWENOPS_NVML_LIBRARY",
          "",
          "NVML library to load (default: libnvidia-ml.so.1, then libnvidia-ml.so)");
  static final OptionSpec NVML_RETRY_SECONDS =
      new OptionSpec(
          "nvml-retry-seconds",
          "QWENOPS_NVML_RETRY_SECONDS",
          "30",
          "while NVML is unavailable, try loading it again this often");
  static final OptionSpec GPU_UUIDS =
      new OptionSpec(
          "gpu-uuids",
          "QWENOPS_GPU_UUIDS",
          "",
          "comma-separated GPU UUIDs of the inference container (added to the file's)");
  static final OptionSpec GPU_UUIDS_FILE =
      new OptionSpec(
          "gpu-uuids-file",
          "QWENOPS_GPU_UUIDS_FILE",
          "/var/run/qwenops/gpu-uuids",
          "file the inference container writes its GPU UUIDs to; re-read when it changes");
  static final OptionSpec GPU_FILTER =
      new OptionSpec(
          "gpu-filter",
          "QWENOPS_GPU_FILTER",
          "auto",
          "auto|on|off: auto filters by UUID when UUIDs are given, the file exists or POD_NAME is set");
  static final OptionSpec TOKEN_FILE =
      new OptionSpec(
          "token-file",
          "QWENOPS_EXPORTER_TOKEN_FILE",
          "",
          "file holding the bearer token every route but /health requires (re-read when it changes;"
              + " else env QWENOPS_EXPORTER_TOKEN; neither = open)");
  static final OptionSpec POD =
      new OptionSpec("pod", "POD_NAME", "", "pod name (Downward API), a label on every metric");
  static final OptionSpec NAMESPACE =
      new OptionSpec("namespace", "POD_NAMESPACE", "", "pod namespace (Downward API)");
  static final OptionSpec NODE =
      new OptionSpec("node", "NODE_NAME", "", "node name (Downward API: spec.nodeName)");
  static final OptionSpec CONTAINER =
      new OptionSpec(
          "container",
          "QWENOPS_CONTAINER_NAME",
          "",
          "name of the container whose GPUs these are (the metrics' container label)");
  static final OptionSpec HOSTNAME =
      new OptionSpec(
          "hostname", "HOSTNAME", "", "Hostname label (default: this machine's host name)");

  static final List<OptionSpec> ALL =
      List.of(
          CONFIG,
          HOST,
          PORT,
          INTERVAL_MS,
          HISTORY_MINUTES,
          CONNECT_HISTORY_SECONDS,
          CLIENT_QUEUE,
          MAX_CLIENTS,
          SEND_TIMEOUT_SECONDS,
          PING_SECONDS,
          SEND_BUFFER_KB,
          NVML_LIBRARY,
          NVML_RETRY_SECONDS,
          GPU_UUIDS,
          GPU_UUIDS_FILE,
          GPU_FILTER,
          TOKEN_FILE,
          POD,
          NAMESPACE,
          NODE,
          CONTAINER,
          HOSTNAME);

  String flag() {
    return "--" + name;
  }
}
