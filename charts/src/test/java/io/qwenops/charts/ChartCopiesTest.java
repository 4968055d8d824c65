package io.qwenops.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chart carries copies (Helm can only read files inside the chart): the CRD and the RBAC rule
 * files. Each must equal its source; the failure message is the command that re-syncs it.
 */
class ChartCopiesTest {

  static void assertCopy(String source, String copy) throws IOException {
    Path from = Chart.root().resolve(source);
    Path to = Chart.root().resolve(copy);
    String fix =
        copy
            + " differs from "
            + source
            + ": copy it with\n  cp "
            + source
            + " "
            + copy
            + "\nand commit the result.";
    assertThat(to).as(fix).exists();
    assertThat(Files.readString(to)).as(fix).isEqualTo(Files.readString(from));
  }

  @Test
  void chartCrdIsTheGeneratedCrd() throws IOException {
    assertCopy(
        "crds/qwendeployments.qwenops.io-v1.yml",
        "charts/qwenops/crds/qwendeployments.qwenops.io-v1.yml");
  }

  @Test
  void chartOperatorRulesAreTheOperatorsRbacFile() throws IOException {
    assertCopy(
        "operator/src/main/resources/rbac/operator-rbac.yaml",
        "charts/qwenops/files/operator-rbac.yaml");
  }

  @Test
  void chartConsoleRulesAreTheConsolesRbacFile() throws IOException {
    assertCopy(
        "operator/src/main/resources/rbac/console-rbac.yaml",
        "charts/qwenops/files/console-rbac.yaml");
  }
}
