package io.qwenops.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.qwenops.operator.crd.BuildImages;
import io.qwenops.operator.desired.DefaultImages;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's defaults are the images this build produces: image.registry and image.tag (root pom)
 * name the Jib images and the operator's default images (BuildImages, DefaultImages) and must be
 * the chart's registry and appVersion.
 */
class ChartDefaultsTest {

  static final String REGISTRY = System.getProperty("qwenops.image.registry");
  static final String TAG = System.getProperty("qwenops.image.tag");

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String file) throws IOException {
    return Serialization.unmarshal(Files.readString(Chart.dir().resolve(file)), Map.class);
  }

  @Test
  void chartRegistryAndAppVersionAreTheBuildsImageRegistryAndTag() throws IOException {
    String fix =
        "charts/qwenops must name the images this build produces: set image.registry in values.yaml to "
            + REGISTRY
            + " and appVersion (and version) in Chart.yaml to "
            + TAG;
    Map<String, Object> chart = yaml("Chart.yaml");
    assertThat(chart.get("appVersion")).as(fix).isEqualTo(TAG);
    assertThat(chart.get("version"))
        .as(fix)
        .isEqualTo(System.getProperty("qwenops.project.version"));
    @SuppressWarnings("unchecked")
    Map<String, Object> image = (Map<String, Object>) yaml("values.yaml").get("image");
    assertThat(image.get("registry")).as(fix).isEqualTo(REGISTRY);
    assertThat(image.get("tag")).as("empty: the appVersion").isEqualTo("");
  }

  @Test
  void operatorsDefaultImagesAreTheBuildsImages() {
    assertThat(DefaultImages.BUILD.inference()).isEqualTo(REGISTRY + "/inference-pod:" + TAG);
    assertThat(DefaultImages.BUILD.exporter()).isEqualTo(REGISTRY + "/gpu-exporter:" + TAG);
    assertThat(BuildImages.OPERATOR).isEqualTo(REGISTRY + "/operator:" + TAG);
  }

  @Test
  void cpuDemoExampleUsesTheCpuFlavourOfThisBuild() throws IOException {
    assertThat(Files.readString(Chart.dir().resolve("examples/qwen-cpu-demo.yaml")))
        .contains("inference: " + BuildImages.INFERENCE_CPU);
  }
}
