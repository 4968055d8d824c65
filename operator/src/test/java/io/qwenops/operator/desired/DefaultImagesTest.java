package io.qwenops.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.operator.crd.BuildImages;
import io.qwenops.operator.crd.ImagesSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultImagesTest {

  @Test
  void theEnvironmentNamesTheDefaultsAndUnsetOrBlankKeepsTheBuildsImages() {
    DefaultImages set =
        DefaultImages.fromEnv(
            Map.of(
                "QWENOPS_DEFAULT_INFERENCE_IMAGE", " mirror.local/inference-pod:2.0 ",
                "QWENOPS_DEFAULT_EXPORTER_IMAGE", "mirror.local/gpu-exporter:2.0"));
    assertThat(set)
        .isEqualTo(
            new DefaultImages("mirror.local/inference-pod:2.0", "mirror.local/gpu-exporter:2.0"));
    assertThat(DefaultImages.fromEnv(Map.of("QWENOPS_DEFAULT_INFERENCE_IMAGE", " ")))
        .isEqualTo(new DefaultImages(BuildImages.INFERENCE, BuildImages.EXPORTER));
  }

  @Test
  void aPinnedImageWinsAndABlankOneDoesNot() {
    DefaultImages defaults = new DefaultImages("d/inference:1", "d/exporter:1");
    ImagesSpec images = new ImagesSpec();
    images.setInference("pinned/inference@sha256:abc");
    images.setExporter("");
    assertThat(defaults.inferenceFor(images)).isEqualTo("pinned/inference@sha256:abc");
    assertThat(defaults.exporterFor(images)).isEqualTo("d/exporter:1");
    assertThat(defaults.inferenceFor(null)).isEqualTo("d/inference:1");
  }

  @Test
  void anUnnamedDefaultIsRefused() {
    assertThatThrownBy(() -> new DefaultImages("", "d/exporter:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default images");
  }
}
