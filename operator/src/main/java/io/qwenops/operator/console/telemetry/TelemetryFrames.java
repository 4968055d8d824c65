package io.qwenops.operator.console.telemetry;

import io.qwenops.operator.console.http.Json;
import java.util.List;

/**
 * The gateway's frames to browsers. Exporter frames are wrapped by string concatenation, verbatim
 * and once per upstream frame, whatever the number of browsers.
 */
final class TelemetryFrames {

  /** {@code {"type": "status", ...}}. */
  record Status(
      String type, String namespace, String pod, String state, String reason, Long retryInMs) {}

  private TelemetryFrames() {}

  static String status(PodKey key, String state, String reason, Long retryInMs) {
    return Json.write(new Status("status", key.namespace(), key.pod(), state, reason, retryInMs));
  }

  /** The prefix of {@code {"type":"frame","namespace":..,"pod":..,"frame":<exporter frame>}}. */
  static String framePrefix(PodKey key) {
    return "{\"type\":\"frame\",\"namespace\":"
        + Json.quote(key.namespace())
        + ",\"pod\":"
        + Json.quote(key.pod())
        + ",\"frame\":";
  }

  static String wrap(String prefix, String exporterFrame) {
    return prefix + exporterFrame + "}";
  }

  static String history(List<String> samples) {
    StringBuilder out = new StringBuilder(64 + samples.size() * 1024);
    out.append("{\"type\":\"history\",\"samples\":[");
    for (int i = 0; i < samples.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(samples.get(i));
    }
    return out.append("]}").toString();
  }

  static String error(String message) {
    return "{\"type\":\"error\",\"message\":" + Json.quote(message) + "}";
  }
}
