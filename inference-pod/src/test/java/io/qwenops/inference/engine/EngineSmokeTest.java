package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.model.TestCheckpoints;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {

  @Test
  void generatesGreedyTokensFromATinyCheckpoint() throws Exception {
    Path dir = TestCheckpoints.tiny();
    EngineOptions options =
        EngineOptions.defaults().withDevice("cpu").withKvCacheBytes(8L << 20).withMaxModelLen(512);
    try (LoadedModel model = QwenEngines.load(dir, options)) {
      int[] prompt = model.tokenizer().encode("Hello, world! 你好");
      EngineTestSupport.Collector c =
          EngineTestSupport.run(model.engine(), "a", prompt, EngineTestSupport.plainGreedy(8));
      assertThat(c.await()).isEqualTo(FinishReason.LENGTH);
      assertThat(c.ids()).hasSize(8);
      System.out.println(java.util.Arrays.toString(c.ids()) + " " + c.text());
      assertThat(model.engine().stats().kvBlocksFree())
          .isEqualTo(model.engine().stats().kvBlocksTotal());
    }
  }
}
