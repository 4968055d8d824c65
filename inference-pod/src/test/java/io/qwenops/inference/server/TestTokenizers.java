package io.qwenops.inference.server;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.qwenops.inference.api.PromptTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The real Qwen tokenizer (fetched by the build) through DJL, for tests that need no engine. */
public final class TestTokenizers {

  public static final PromptTokenizer QWEN = load();

  private TestTokenizers() {}

  private static PromptTokenizer load() {
    String dir = System.getProperty("qwenops.tokenizer.dir");
    try {
      HuggingFaceTokenizer hf =
          HuggingFaceTokenizer.newInstance(
              Path.of(dir).resolve("tokenizer.json"), Map.of("addSpecialTokens", "false"));
      return new PromptTokenizer() {
        @Override
        public int[] encode(String text) {
          return Arrays.stream(hf.encode(text).getIds()).mapToInt(l -> (int) l).toArray();
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
          return hf.decode(Arrays.stream(ids).asLongStream().toArray(), skipSpecialTokens);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("Qwen tokenizer not found in " + dir, e);
    }
  }
}
