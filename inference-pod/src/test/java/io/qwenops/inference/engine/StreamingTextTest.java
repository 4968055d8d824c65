package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.model.QwenTokenizer;
import io.qwenops.inference.model.TestCheckpoints;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UTF-8-safe streaming detokenisation and stop strings, with the real Qwen tokenizer. */
class StreamingTextTest {

  private static QwenTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    tokenizer = QwenTokenizer.load(TestCheckpoints.tiny());
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void tokenizerRoundTripsAndKnowsQwen25SpecialTokens() {
    String text = "<|im_start|>user\nHello, 世界! 😀<|im_end|>";
    int[] ids = tokenizer.encode(text);
    assertThat(ids[0]).isEqualTo(151644);
    assertThat(ids[ids.length - 1]).isEqualTo(151645);
    assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
    assertThat(tokenizer.decode(ids, true)).isEqualTo("user\nHello, 世界! 😀");
    assertThat(tokenizer.tokenId("<|im_end|>")).isEqualTo(151645);
    assertThat(tokenizer.tokenId("<think>")).isNull(); // Qwen3-only, removed for Qwen2.5
    assertThat(tokenizer.vocabSize()).isEqualTo(151665);
  }

  @Test
  void charactersSplitAcrossTokensAreNeverEmittedHalf() {
    String text = "混合 text 😀🎉 with 𝄞 and 中文字符";
    int[] ids = tokenizer.encode(text);
    boolean someTokenIsAPartialCharacter = false;
    for (int id : ids) {
      someTokenIsAPartialCharacter |= tokenizer.tokenText(id).contains("\uFFFD");
    }
    assertThat(someTokenIsAPartialCharacter).as("the text exercises split characters").isTrue();
    IncrementalDetokenizer detok =
        new IncrementalDetokenizer(tokenizer::tokenBytes, tokenizer::isSpecial);
    StringBuilder out = new StringBuilder();
    for (int id : ids) {
      String piece = detok.next(id);
      assertThat(piece).doesNotContain("\uFFFD");
      out.append(piece);
    }
    out.append(detok.flush());
    assertThat(out.toString()).isEqualTo(text);
  }

  @Test
  void stopStringsAreFoundAcrossPiecesAndNotEmitted() {
    StopStringMatcher m = new StopStringMatcher(List.of("STOP", "\n\n"));
    List<String> emitted = new ArrayList<>();
    boolean stopped = false;
    for (String piece : new String[] {"Hello S", "T", "ill going", " ST", "OP here"}) {
      StopStringMatcher.Result r = m.accept(piece);
      emitted.add(r.text());
      if (r.stopped()) {
        stopped = true;
        break;
      }
    }
    assertThat(stopped).isTrue();
    assertThat(String.join("", emitted)).isEqualTo("Hello STill going ");
    assertThat(emitted.get(0)).isEqualTo("Hello "); // "S" held: could start STOP
  }

  @Test
  void heldTextIsReleasedWhenTheStreamEndsOtherwise() {
    StopStringMatcher m = new StopStringMatcher(List.of("</answer>"));
    assertThat(m.accept("done </ans").text()).isEqualTo("done ");
    assertThat(m.flush()).isEqualTo("</ans");
  }
}
