package io.qwenops.operator.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the gpu-exporter's {@code hello} frame ({@code GET /api/gpu/info}, see
 * docs/telemetry-protocol.md) for the one thing the operator needs: the inference container's GPUs.
 */
final class ExporterHello {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExporterHello() {}

  /**
   * The UUIDs the inference container owns ({@code gpuFilter.allowedUuids}), or an empty list when
   * the exporter does not know them yet, does not filter (it then shows the whole node, not this
   * pod's GPUs), or sent something that is not a hello frame.
   */
  static List<String> ownGpuUuids(byte[] body) {
    return ownGpuUuids(new String(body, java.nio.charset.StandardCharsets.UTF_8));
  }

  static List<String> ownGpuUuids(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (java.io.IOException e) {
      return List.of();
    }
    if (root == null || !"hello".equals(root.path("type").asText())) {
      return List.of();
    }
    JsonNode filter = root.path("gpuFilter");
    if (!filter.path("filtering").asBoolean(false)) {
      return List.of();
    }
    List<String> uuids = new ArrayList<>();
    for (JsonNode uuid : filter.path("allowedUuids")) {
      if (uuid.isTextual() && !uuid.asText().isBlank()) {
        uuids.add(uuid.asText().trim());
      }
    }
    return List.copyOf(uuids);
  }
}
