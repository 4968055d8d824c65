package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.exporter.sampling.GpuReading;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.XidCounter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history frame in pieces is byte for byte the frame in one piece. */
class HistoryFragmentsTest {

  private static List<Sample> samples(int n) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      GpuReading gpu =
          GpuReading.lost(
              0, "GPU-" + i, "GPU is lost (test " + i + ")", new XidCounter.Snapshot(0, null));
      samples.add(new Sample(i, i * 500L, 1_700_000_000_000L + i, List.of(gpu)));
    }
    return samples;
  }

  @Test
  void piecesJoinToExactlyTheWholeFrameAndEachIsAboutTheChunkSize() throws Exception {
    List<Sample> samples = samples(500);
    List<String> pieces = new ArrayList<>();
    List<Boolean> lasts = new ArrayList<>();
    HistoryFragments.write(
        samples,
        4096,
        (text, last) -> {
          pieces.add(text);
          lasts.add(last);
        });
    assertThat(String.join("", pieces)).isEqualTo(Frames.json(Frames.history(samples)));
    assertThat(pieces.size()).isGreaterThan(10);
    assertThat(lasts.subList(0, lasts.size() - 1)).containsOnly(false);
    assertThat(lasts.getLast()).isTrue();
    int oneSample = Frames.json(Frames.sample(samples.getLast())).length();
    assertThat(pieces).allSatisfy(p -> assertThat(p.length()).isLessThan(4096 + oneSample + 2));
  }

  @Test
  void anEmptyHistoryIsOnePiece() throws Exception {
    List<String> pieces = new ArrayList<>();
    HistoryFragments.write(List.of(), 4096, (text, last) -> pieces.add(text));
    assertThat(pieces).containsExactly(Frames.json(Frames.history(List.of())));
  }
}
