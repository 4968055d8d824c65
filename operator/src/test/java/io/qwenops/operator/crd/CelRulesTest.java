package io.qwenops.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRD's CEL rules, compiled and evaluated with Google's CEL implementation (what the API server
 * runs is cel-go; the language is the same): a typo in a rule would otherwise first show when
 * `kubectl apply` of the CRD fails on a real cluster.
 */
class CelRulesTest {

  static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  record Rule(String path, ValidationRule rule) {}

  static List<Rule> rules() throws Exception {
    CustomResourceDefinition crd =
        Serialization.unmarshal(
            Files.readString(CommittedCrdTest.committed()), CustomResourceDefinition.class);
    List<Rule> rules = new ArrayList<>();
    collect("", crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema(), rules);
    return rules;
  }

  static void collect(String path, JSONSchemaProps schema, List<Rule> into) {
    if (schema == null) {
      return;
    }
    if (schema.getXKubernetesValidations() != null) {
      schema.getXKubernetesValidations().forEach(r -> into.add(new Rule(path, r)));
    }
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, child) -> collect(path + "." + name, child, into));
    }
    if (schema.getItems() != null) {
      collect(path + "[]", schema.getItems().getSchema(), into);
    }
  }

  /** Evaluates the rules declared at {@code path} against {@code self} given as JSON. */
  static boolean allPass(String path, String selfJson) throws Exception {
    Object self = longs(new ObjectMapper().readValue(selfJson, Object.class));
    boolean pass = true;
    for (Rule rule : rules()) {
      if (rule.path().equals(path)) {
        CelAbstractSyntaxTree ast = COMPILER.compile(rule.rule().getRule()).getAst();
        Object result = RUNTIME.createProgram(ast).eval(Map.of("self", self));
        pass &= Boolean.TRUE.equals(result);
      }
    }
    return pass;
  }

  /** CEL integers are 64-bit; JSON numbers come back from Jackson as Integer. */
  static Object longs(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, longs(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CelRulesTest::longs).toList();
    }
    return value;
  }

  @Test
  void everyRuleCompilesAndHasAMessage() throws Exception {
    List<Rule> rules = rules();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(4);
    for (Rule rule : rules) {
      var result = COMPILER.compile(rule.rule().getRule());
      assertThat(result.hasError()).as(rule.path() + ": " + rule.rule().getRule()).isFalse();
      assertThat(rule.rule().getMessage()).as(rule.path()).isNotBlank();
    }
  }

  @Test
  void modelCacheRulesPairTheTypeWithItsFields() throws Exception {
    String path = ".spec.modelCache";
    assertThat(allPass(path, "{\"type\":\"None\"}")).isTrue();
    assertThat(allPass(path, "{\"type\":\"ExistingClaim\",\"claimName\":\"weights\"}")).isTrue();
    assertThat(allPass(path, "{\"type\":\"ExistingClaim\"}")).isFalse();
    assertThat(allPass(path, "{\"type\":\"Managed\",\"size\":\"50Gi\"}")).isTrue();
    assertThat(allPass(path, "{\"type\":\"Managed\"}")).isFalse();
    assertThat(allPass(path, "{\"type\":\"None\",\"claimName\":\"weights\"}")).isFalse();
  }

  @Test
  void engineRuleKeepsBatchedTokensAtLeastTheSequenceCount() throws Exception {
    String path = ".spec.engine";
    assertThat(allPass(path, "{\"maxNumSeqs\":64}")).isTrue();
    assertThat(allPass(path, "{\"maxNumSeqs\":64,\"maxNumBatchedTokens\":8192}")).isTrue();
    assertThat(allPass(path, "{\"maxNumSeqs\":64,\"maxNumBatchedTokens\":16}")).isFalse();
  }

  @Test
  void envRulesRefuseTheOperatorsVariablesAndAllowOthers() throws Exception {
    assertThat(allPass(".spec.env", "[{\"name\":\"HF_ENDPOINT\",\"value\":\"https://m\"}]"))
        .isTrue();
    assertThat(allPass(".spec.env", "[{\"name\":\"HF_HUB_OFFLINE\",\"value\":\"1\"}]")).isTrue();
    assertThat(allPass(".spec.env", "[{\"name\":\"QWENOPS_MODEL\",\"value\":\"x\"}]")).isFalse();
    assertThat(allPass(".spec.env", "[{\"name\":\"HF_HOME\",\"value\":\"/x\"}]")).isFalse();
    assertThat(allPass(".spec.exporter.env", "[{\"name\":\"NO_PROXY\",\"value\":\".svc\"}]"))
        .isTrue();
    assertThat(
            allPass(
                ".spec.exporter.env", "[{\"name\":\"NVIDIA_VISIBLE_DEVICES\",\"value\":\"0\"}]"))
        .isFalse();
  }

  @Test
  void podLabelRuleKeepsTheOperatorsLabelsAndAnnotationRuleTheGpuAnnotation() throws Exception {
    assertThat(allPass(".spec.podLabels", "{\"team\":\"search\"}")).isTrue();
    assertThat(allPass(".spec.podLabels", "{\"app.kubernetes.io/instance\":\"x\"}")).isFalse();
    assertThat(allPass(".spec.podLabels", "{\"app.kubernetes.io/managed-by\":\"x\"}")).isFalse();
    assertThat(allPass(".spec.podAnnotations", "{\"prometheus.io/scrape\":\"true\"}")).isTrue();
    assertThat(allPass(".spec.podAnnotations", "{\"qwenops.io/gpu-uuids\":\"GPU-1\"}")).isFalse();
  }

  @Test
  void gpuResourceNameRuleRefusesTheKubernetesDomain() throws Exception {
    String path = ".spec.resources.gpuResourceName";
    assertThat(allPass(path, "\"nvidia.com/mig-1g.10gb\"")).isTrue();
    assertThat(allPass(path, "\"kubernetes.io/gpu\"")).isFalse();
    assertThat(allPass(path, "\"node.kubernetes.io/gpu\"")).isFalse();
  }

  @Test
  void claimVisibilityRuleNeedsAClaimAndAutoscalingRuleOrderedBounds() throws Exception {
    assertThat(allPass(".spec", "{\"exporter\":{\"gpuVisibility\":\"ResourceClaim\"}}")).isFalse();
    assertThat(
            allPass(
                ".spec",
                "{\"exporter\":{\"gpuVisibility\":\"ResourceClaim\"},"
                    + "\"resources\":{\"gpuClaim\":{\"resourceClaimTemplateName\":\"h100\"}}}"))
        .isTrue();
    assertThat(allPass(".spec", "{\"exporter\":{\"gpuVisibility\":\"Env\"}}")).isTrue();
    assertThat(allPass(".spec.autoscaling", "{\"minReplicas\":1,\"maxReplicas\":4}")).isTrue();
    assertThat(allPass(".spec.autoscaling", "{\"minReplicas\":5,\"maxReplicas\":4}")).isFalse();
  }

  @Test
  void theEnvRulesRefuseExactlyTheNamesTheOperatorRefuses() throws Exception {
    List<String> inference = new ArrayList<>(List.of(ReservedNames.INFERENCE_ENV));
    inference.add("QWENOPS_ANYTHING");
    for (String name : inference) {
      assertThat(allPass(".spec.env", "[{\"name\":\"" + name + "\"}]")).as(name).isFalse();
      assertThat(ReservedNames.reservedInferenceEnv(name)).as(name).isTrue();
    }
    List<String> exporter = new ArrayList<>(List.of(ReservedNames.EXPORTER_ENV));
    exporter.add("QWENOPS_ANYTHING");
    for (String name : exporter) {
      assertThat(allPass(".spec.exporter.env", "[{\"name\":\"" + name + "\"}]")).as(name).isFalse();
      assertThat(ReservedNames.reservedExporterEnv(name)).as(name).isTrue();
    }
    for (String label : ReservedNames.POD_LABELS) {
      assertThat(allPass(".spec.podLabels", "{\"" + label + "\":\"x\"}")).as(label).isFalse();
    }
  }
}
