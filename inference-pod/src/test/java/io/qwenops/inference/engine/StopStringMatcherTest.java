package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one-automaton stop matcher releases exactly what a plain search over the whole text would:
 * everything before the first stop string to complete, or all of it when none does, however the
 * text is cut into tokens.
 */
class StopStringMatcherTest {

  /** The text before the stop string that completes first (longest among equals), or null. */
  private static String reference(String text, List<String> stops) {
    int bestEnd = Integer.MAX_VALUE;
    int bestStart = -1;
    for (String stop : stops) {
      int at = text.indexOf(stop);
      if (at < 0 || stop.isEmpty()) {
        continue;
      }
      int end = at + stop.length();
      if (end < bestEnd || (end == bestEnd && at < bestStart)) {
        bestEnd = end;
        bestStart = at;
      }
    }
    return bestStart < 0 ? null : text.substring(0, bestStart);
  }

  @Test
  void releasesWhatASearchOfTheWholeTextFindsHoweverTheTextIsCut() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 20_000; round++) {
      List<String> stops = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
        stops.add(word(random, 1 + random.nextInt(5)));
      }
      String text = word(random, random.nextInt(40));
      StopStringMatcher m = new StopStringMatcher(stops);
      StringBuilder emitted = new StringBuilder();
      boolean stopped = false;
      for (int at = 0; at < text.length() && !stopped; ) {
        int len = Math.min(text.length() - at, 1 + random.nextInt(4));
        StopStringMatcher.Result r = m.accept(text.substring(at, at + len));
        emitted.append(r.text());
        stopped = r.stopped();
        at += len;
      }
      if (!stopped) {
        emitted.append(m.flush());
      }
      String expected = reference(text, stops);
      String why = "stops " + stops + " text '" + text + "'";
      if (expected == null) {
        assertThat(stopped).as(why).isFalse();
        assertThat(emitted.toString()).as(why).isEqualTo(text);
      } else {
        assertThat(stopped).as(why).isTrue();
        assertThat(emitted.toString()).as(why).isEqualTo(expected);
      }
    }
  }

  @Test
  void holdsBackOnlyWhatCouldStillStartAStopString() {
    StopStringMatcher m = new StopStringMatcher(List.of("abcab", "bd"));
    assertThat(m.accept("xxabca").text()).isEqualTo("xx"); // "abca" could become "abcab"
    assertThat(m.accept("c").text()).isEqualTo("abcac"); // nothing left that could
    StopStringMatcher.Result r = m.accept("abcb");
    assertThat(r.stopped()).isFalse();
    assertThat(r.text()).isEqualTo("abc"); // "b" could start "bd"
    r = m.accept("d tail");
    assertThat(r.stopped()).isTrue();
    assertThat(r.text()).isEmpty();
  }

  private static String word(SplittableRandom random, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append("abc".charAt(random.nextInt(3)));
    }
    return s.toString();
  }
}
