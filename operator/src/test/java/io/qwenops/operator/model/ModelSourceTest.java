package io.qwenops.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelSourceTest {

  @Test
  void parsesHuggingFaceWithAndWithoutRevision() {
    assertThat(ModelSource.parse("hf://Qwen/Qwen2.5-0.5B-Instruct"))
        .isEqualTo(new ModelSource.HuggingFace("Qwen/Qwen2.5-0.5B-Instruct", "main"));
    assertThat(ModelSource.parse("hf://Qwen/Qwen2.5-7B-Instruct@a09a354"))
        .isEqualTo(new ModelSource.HuggingFace("Qwen/Qwen2.5-7B-Instruct", "a09a354"));
  }

  @Test
  void parsesPvcAndImagePaths() {
    assertThat(ModelSource.parse("pvc://models/qwen/0.5b"))
        .isEqualTo(new ModelSource.Pvc("models", "/qwen/0.5b"));
    assertThat(ModelSource.parse("/models/qwen"))
        .isEqualTo(new ModelSource.ImagePath("/models/qwen"));
  }

  @Test
  void rejectsAnUnknownSchemeWithAHint() {
    assertThatThrownBy(() -> ModelSource.parse("s3://bucket/qwen"))
        .hasMessageContaining("s3://bucket/qwen")
        .hasMessageContaining("hf://ORG/NAME");
  }
}
