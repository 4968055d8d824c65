package io.qwenops.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint --strict and helm template accept the defaults and every ci/*-values.yaml. */
class ChartLintTest {

  static Stream<Path> ciValues() throws IOException {
    try (Stream<Path> files = Files.list(Chart.dir().resolve("ci"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-values.yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void lintStrictPassesWithTheDefaults() {
    LintResult result = new Helm(Chart.dir()).lint().strict().call();
    assertThat(result.getMessages()).as("helm lint --strict").noneMatch(m -> m.contains("[ERROR]"));
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @ParameterizedTest
  @MethodSource("ciValues")
  void everyCiValuesFileRenders(Path values) {
    Rendered rendered = Chart.render(List.of(values), Map.of());
    assertThat(rendered.deployment(Chart.RELEASE + "-operator")).isNotNull();
  }

  @Test
  void everyValueIsDescribedInTheSchema() throws IOException {
    // values.yaml keys without a schema entry would be refused by additionalProperties: false,
    // so rendering the defaults proves the schema covers them; check the schema is strict too.
    String schema = Files.readString(Chart.dir().resolve("values.schema.json"));
    assertThat(schema).contains("\"additionalProperties\": false");
  }

  @Test
  void anUnknownValueIsRefusedByTheSchema() {
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("operator.replica", 2)))
        .hasMessageContaining("replica")
        .hasMessageContaining("additional properties");
  }

  @Test
  void aBadAccessModeIsRefusedByTheSchema() {
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("console.access", "password")))
        .hasMessageContaining("/console/access")
        .hasMessageContaining("token");
  }

  @Test
  void zeroOperatorReplicasAreRefusedByTheSchema() {
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("operator.replicas", 0)))
        .hasMessageContaining("/operator/replicas");
  }
}
