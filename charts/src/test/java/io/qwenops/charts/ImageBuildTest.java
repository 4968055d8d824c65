package io.qwenops.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The images' build configuration, as Maven resolves it (target/effective-pom.xml of each module,
 * written at generate-resources by maven-help-plugin): CI has no registry to pull base images from,
 * so this is what proves the Jib configuration is complete.
 */
class ImageBuildTest {

  static final String REGISTRY = System.getProperty("qwenops.image.registry");
  static final String TAG = System.getProperty("qwenops.image.tag");

  record Jib(XPath xpath, Document pom, String artifactId) {

    static Jib of(String module) throws Exception {
      Path file = Chart.root().resolve(module).resolve("target/effective-pom.xml");
      assertThat(file)
          .as("run the reactor build (./mvnw verify) so " + module + " writes its effective pom")
          .exists();
      var factory = DocumentBuilderFactory.newInstance();
      Document doc = factory.newDocumentBuilder().parse(Files.newInputStream(file));
      return new Jib(XPathFactory.newInstance().newXPath(), doc, module);
    }

    String base() {
      return "//*[local-name()='project'][*[local-name()='artifactId']='"
          + artifactId
          + "']/*[local-name()='build']/*[local-name()='plugins']/*[local-name()='plugin'][*[local-name()='artifactId']='jib-maven-plugin']/*[local-name()='configuration']";
    }

    String value(String path) throws Exception {
      return (String) xpath.evaluate(base() + path(path), pom, XPathConstants.STRING);
    }

    List<String> values(String path) throws Exception {
      NodeList nodes = (NodeList) xpath.evaluate(base() + path(path), pom, XPathConstants.NODESET);
      return java.util.stream.IntStream.range(0, nodes.getLength())
          .mapToObj(i -> nodes.item(i).getTextContent().trim())
          .toList();
    }

    private static String path(String dotted) {
      StringBuilder xp = new StringBuilder();
      for (String step : dotted.split("/")) {
        xp.append("/*[local-name()='").append(step).append("']");
      }
      return xp.toString();
    }
  }

  @Test
  void operatorImage() throws Exception {
    Jib jib = Jib.of("operator");
    assertThat(jib.value("to/image")).isEqualTo(REGISTRY + "/operator:" + TAG);
    assertThat(jib.value("from/image")).startsWith("eclipse-temurin:25-jre");
    assertThat(jib.value("container/mainClass")).isEqualTo("io.qwenops.operator.Main");
    assertThat(jib.values("container/ports/port")).containsExactly("8080", "8090");
    assertCommon(jib);
  }

  @Test
  void inferencePodImageIsTheCpuFlavourByDefault() throws Exception {
    Jib jib = Jib.of("inference-pod");
    assertThat(jib.value("to/image")).isEqualTo(REGISTRY + "/inference-pod:" + TAG + "-cpu");
    assertThat(jib.value("from/image"))
        .as("the JDK has jdk.incubator.vector")
        .startsWith("eclipse-temurin:25-jdk");
    assertThat(jib.values("container/jvmFlags/jvmFlag"))
        .contains("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));
    assertThat(jib.value("container/environment/ENGINE_CACHE_DIR"))
        .as("DJL unpacks into the /tmp emptyDir")
        .startsWith("/tmp/");
    assertThat(jib.value("container/environment/DJL_OFFLINE")).isEqualTo("true");
    assertThat(jib.value("container/labels/io.qwenops.image.flavour")).isEqualTo("cpu");
    assertCommon(jib);
  }

  @Test
  void gpuExporterImage() throws Exception {
    Jib jib = Jib.of("gpu-exporter");
    assertThat(jib.value("to/image")).isEqualTo(REGISTRY + "/gpu-exporter:" + TAG);
    assertThat(jib.value("container/mainClass")).isEqualTo("io.qwenops.exporter.Main");
    assertThat(jib.values("container/ports/port")).containsExactly("9400");
    assertThat(jib.value("container/environment/NVIDIA_DRIVER_CAPABILITIES")).isEqualTo("utility");
    assertCommon(jib);
  }

  static void assertCommon(Jib jib) throws Exception {
    assertThat(jib.value("container/user"))
        .as("non-root, the UID the pods run as")
        .isEqualTo("65532:65532");
    assertThat(jib.value("container/format")).isEqualTo("OCI");
    assertThat(jib.value("container/environment/HOME")).isEqualTo("/tmp");
    assertThat(jib.value("container/labels/org.opencontainers.image.version")).isEqualTo(TAG);
    assertThat(jib.value("container/labels/org.opencontainers.image.source"))
        .startsWith("https://");
    assertThat(jib.value("container/labels/org.opencontainers.image.revision")).isNotBlank();
    assertThat(jib.value("container/labels/org.opencontainers.image.licenses"))
        .isEqualTo("Apache-2.0");
    assertThat(jib.value("outputPaths/tar")).endsWith("target/jib-image.tar");
  }
}
