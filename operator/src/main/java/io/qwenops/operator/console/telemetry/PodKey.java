package io.qwenops.operator.console.telemetry;

/** A pod a browser subscribes to. */
public record PodKey(String namespace, String pod) {
  @Override
  public String toString() {
    return namespace + "/" + pod;
  }
}
