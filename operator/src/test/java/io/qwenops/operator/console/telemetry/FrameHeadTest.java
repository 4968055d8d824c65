package io.qwenops.operator.console.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.operator.console.testing.FakeExporter;
import org.junit.jupiter.api.Test;

class FrameHeadTest {

  @Test
  void aSampleIsRoutedByItsTypeAndTime() throws Exception {
    String sample = FakeExporter.sample(7, 1, FakeExporter.gpusJson(8));
    FrameHead head = FrameHead.of(sample);
    assertThat(head.type()).isEqualTo("sample");
    assertThat(head.timeMs()).isPositive();
  }

  @Test
  void nestedFieldsOfTheSameNameDoNotConfuseIt() throws Exception {
    FrameHead head =
        FrameHead.of(
            "{\"gpus\":[{\"type\":\"gpu\",\"timeMs\":1}],\"meta\":{\"type\":\"x\"},"
                + "\"type\":\"hello\",\"protocol\":1}");
    assertThat(head).isEqualTo(new FrameHead("hello", -1));
  }

  @Test
  void textThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> FrameHead.of("[1,2]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> FrameHead.of("not json")).isInstanceOf(Exception.class);
  }
}
