package io.qwenops.inference.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The file Kubernetes copies into {@code lastState.terminated.message} when the container exits
 * (the kubelet mounts it, writable even under a read-only root filesystem). Written only where it
 * exists, so a server run outside Kubernetes creates nothing.
 */
final class TerminationMessage {

  static final String ENV_PATH = "QWENOPS_TERMINATION_MESSAGE_PATH";
  static final String DEFAULT_PATH = "/dev/termination-log";

  /** The kubelet keeps at most 4096 bytes. */
  static final int MAX_CHARS = 4000;

  private TerminationMessage() {}

  /**
   * @return whether the message was written
   */
  static boolean write(Map<String, String> env, String message) {
    Path path = Path.of(env.getOrDefault(ENV_PATH, DEFAULT_PATH));
    if (!Files.isRegularFile(path)) {
      return false;
    }
    String text = message.length() <= MAX_CHARS ? message : message.substring(0, MAX_CHARS);
    try {
      Files.writeString(path, text, StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
