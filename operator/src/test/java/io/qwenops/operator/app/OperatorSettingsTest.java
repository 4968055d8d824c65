package io.qwenops.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsWatchEverythingWithLeaderElectionInThePodsNamespace() {
    OperatorSettings s =
        OperatorSettings.fromEnv(Map.of("POD_NAMESPACE", "qwenops-system", "POD_NAME", "op-0"));
    assertThat(s.watchNamespaces()).isEmpty();
    assertThat(s.leaderElection()).isTrue();
    assertThat(s.leaseNamespace()).isEqualTo("qwenops-system");
    assertThat(s.leaseIdentity()).isEqualTo("op-0");
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.exitOnLostLease()).isTrue();
    assertThat(s.httpPort()).isEqualTo(8080);
  }

  @Test
  void environmentOverrides() {
    OperatorSettings s =
        OperatorSettings.fromEnv(
            Map.of(
                "QWENOPS_WATCH_NAMESPACES", "ml, research ,",
                "QWENOPS_LEADER_ELECTION", "false",
                "QWENOPS_HTTP_PORT", "9090",
                "QWENOPS_LEASE_SECONDS", "30"));
    assertThat(s.watchNamespaces()).containsExactlyInAnyOrder("ml", "research");
    assertThat(s.leaderElection()).isFalse();
    assertThat(s.httpPort()).isEqualTo(9090);
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void badNumbersNameTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.fromEnv(Map.of("QWENOPS_HTTP_PORT", "http")))
        .hasMessage("QWENOPS_HTTP_PORT=http is not a positive whole number");
    assertThatThrownBy(() -> OperatorSettings.fromEnv(Map.of("QWENOPS_RECONCILE_THREADS", "0")))
        .hasMessageContaining("QWENOPS_RECONCILE_THREADS");
  }
}
