package io.qwenops.operator.console.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.operator.console.access.AccessMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSettingsTest {

  @Test
  void accessNoneIsRefusedOnARemoteAddressUnlessForced() {
    assertThatThrownBy(() -> ConsoleSettings.parse(new String[] {"--access", "none"}, Map.of()))
        .hasMessageContaining("--bind 127.0.0.1")
        .hasMessageContaining("--allow-insecure-remote");
    assertThat(
            ConsoleSettings.parse(new String[] {"--access=none", "--bind", "127.0.0.1"}, Map.of())
                .access())
        .isEqualTo(AccessMode.NONE);
    assertThat(
            ConsoleSettings.parse(
                    new String[] {"--access", "none", "--allow-insecure-remote"}, Map.of())
                .bind())
        .isEqualTo("0.0.0.0");
  }

  @Test
  void tokenModeNeedsATokenFileFromAFlagOrTheEnvironment() {
    assertThatThrownBy(() -> ConsoleSettings.parse(new String[] {}, Map.of()))
        .hasMessageContaining("--token-file");
    ConsoleSettings s =
        ConsoleSettings.parse(
            new String[] {"--port", "9000"},
            Map.of(
                "QWENOPS_CONSOLE_TOKEN_FILE", "/etc/console/token", "QWENOPS_CONSOLE_PORT", "1"));
    assertThat(s.port()).as("flags win over the environment").isEqualTo(9000);
    assertThat(s.tokenFile()).hasToString("/etc/console/token");
  }

  @Test
  void staticModeNeedsAnInferenceUrlAndUnknownFlagsAreNamed() {
    assertThatThrownBy(
            () ->
                ConsoleSettings.parse(
                    new String[] {"--static", "--access", "none", "--bind", "127.0.0.1"}, Map.of()))
        .hasMessageContaining("--inference-url");
    ConsoleSettings s =
        ConsoleSettings.parse(
            new String[] {
              "--static",
              "--access",
              "none",
              "--bind",
              "127.0.0.1",
              "--inference-url",
              "http://127.0.0.1:8000",
              "--exporter-url",
              "http://127.0.0.1:9400",
              "--name",
              "dev"
            },
            Map.of());
    assertThat(s.staticMode()).isTrue();
    assertThat(s.name()).isEqualTo("dev");
    assertThat(s.port()).isEqualTo(8090);
    assertThatThrownBy(() -> ConsoleSettings.parse(new String[] {"--prot", "1"}, Map.of()))
        .hasMessageContaining("unknown flag --prot");
  }

  @Test
  void staticModeTakesANoticeForTheDeploymentPage() {
    ConsoleSettings s =
        ConsoleSettings.parse(
            new String[] {
              "--static",
              "--access=none",
              "--bind=127.0.0.1",
              "--inference-url=http://127.0.0.1:8000"
            },
            Map.of("QWENOPS_CONSOLE_NOTICE", "Demo model: random weights"));
    assertThat(s.notice()).isEqualTo("Demo model: random weights");
  }
}
