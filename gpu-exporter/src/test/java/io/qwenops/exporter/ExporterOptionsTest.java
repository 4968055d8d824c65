package io.qwenops.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExporterOptionsTest {

  @Test
  void defaultsKeepTenMinutesOfHalfSecondSamples() {
    assertThat(ExporterOptions.DEFAULTS.port()).isEqualTo(9400);
    assertThat(ExporterOptions.DEFAULTS.historySamples()).isEqualTo(1200);
  }

  @Test
  void refusesAnIntervalBelowTheFloor() {
    assertThatThrownBy(
            () -> new ExporterOptions(9400, Duration.ofMillis(50), Duration.ofMinutes(1)))
        .hasMessageContaining("at least 100 ms, got 50");
  }
}
