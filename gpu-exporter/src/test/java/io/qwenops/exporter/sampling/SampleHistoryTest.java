package io.qwenops.exporter.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleHistoryTest {

  private static Sample sample(long seq) {
    return new Sample(seq, seq * 500, 1_700_000_000_000L + seq * 500, List.of());
  }

  @Test
  void keepsTheNewestSamplesInOrderOnceFull() {
    SampleHistory history = new SampleHistory(4);
    assertThat(history.latest()).isEmpty();
    for (long seq = 1; seq <= 10; seq++) {
      history.add(sample(seq));
    }
    assertThat(history.latest()).contains(sample(10));
    assertThat(history.lastMillis(Long.MAX_VALUE))
        .extracting(Sample::seq)
        .containsExactly(7L, 8L, 9L, 10L);
  }

  @Test
  void answersTheLastSecondsRelativeToTheNewestSample() {
    SampleHistory history = new SampleHistory(100);
    for (long seq = 1; seq <= 10; seq++) {
      history.add(sample(seq));
    }
    assertThat(history.lastMillis(1000)).extracting(Sample::seq).containsExactly(8L, 9L, 10L);
    assertThat(history.lastMillis(0)).extracting(Sample::seq).containsExactly(10L);
  }

  @Test
  void needsRoomForOneSample() {
    assertThatThrownBy(() -> new SampleHistory(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
