package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code main} in its own JVM: a model that cannot load ends the process with exit 1 and
 * the reason in the termination message file, which Kubernetes shows as the container's last state.
 */
class FailedLoadExitTest {

  @TempDir Path dir;

  @Test
  void aModelThatCannotLoadExitsOneWithItsReasonInTheTerminationMessage() throws Exception {
    Path message = Files.createFile(dir.resolve("termination-log"));
    ProcessBuilder java =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile());
    java.environment().put("QWENOPS_MODEL", dir.resolve("no-such-model").toString());
    java.environment().put("QWENOPS_HOST", "127.0.0.1");
    java.environment().put("QWENOPS_PORT", "0");
    java.environment().put("QWENOPS_DEVICE", "cpu");
    java.environment().put(TerminationMessage.ENV_PATH, message.toString());
    Process process = java.start();
    try {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the server exits").isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(Files.readString(message))
        .startsWith("Loading the model failed: ")
        .contains("no-such-model");
  }

  @Test
  void outsideKubernetesNoFileIsCreated() {
    Path absent = dir.resolve("termination-log");
    assertThat(
            TerminationMessage.write(
                java.util.Map.of(TerminationMessage.ENV_PATH, absent.toString()), "x"))
        .isFalse();
    assertThat(absent).doesNotExist();
  }
}
