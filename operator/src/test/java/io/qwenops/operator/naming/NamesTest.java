package io.qwenops.operator.naming;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DesiredDeployment;
import io.qwenops.operator.desired.DesiredDisruptionBudget;
import io.qwenops.operator.desired.DesiredModelCacheClaim;
import io.qwenops.operator.desired.DesiredService;
import io.qwenops.operator.it.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every owned object gets a valid name and valid labels from any valid QwenDeployment name. */
class NamesTest {

  static final String LONGEST = longestValidName();

  static QwenDeployment qwen(String name) {
    QwenDeployment qd = Fixtures.qwen("ml", name, "hf://Qwen/Qwen2.5-0.5B-Instruct", 2);
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("10Gi"));
    return qd;
  }

  /** 253 characters: dotted labels of 63, the most a resource name may have. */
  static String longestValidName() {
    String label = "a".repeat(62) + "b";
    String name = label + "." + label + "." + label + "." + "c".repeat(61);
    assertThat(name).hasSize(253);
    return name;
  }

  @Test
  void validShortNamesAreKeptAsTheyAre() {
    QwenDeployment qd = qwen("qwen-small");
    assertThat(Names.deployment(qd)).isEqualTo("qwen-small");
    assertThat(Names.service(qd)).isEqualTo("qwen-small");
    assertThat(Names.podDisruptionBudget(qd)).isEqualTo("qwen-small");
    assertThat(Names.modelCacheClaim(qd)).isEqualTo("qwen-small-model-cache");
    assertThat(Names.instance(qd)).isEqualTo("qwen-small");
    assertThat(Names.endpoint(qd)).isEqualTo("http://qwen-small.ml.svc:8000/v1");
  }

  @Test
  void dottedNameGetsAReadableServiceNameWithAHash() {
    QwenDeployment qd = qwen("qwen2.5-0.5b");
    assertThat(Names.service(qd)).matches("qwen2-5-0-5b-[0-9a-f]{8}");
    assertThat(Names.deployment(qd)).isEqualTo(Names.service(qd));
    assertThat(Names.modelCacheClaim(qd)).isEqualTo(Names.service(qd) + "-model-cache");
    assertThat(Names.instance(qd))
        .as("a dotted name is a valid label value")
        .isEqualTo("qwen2.5-0.5b");
    assertThat(Names.endpoint(qd)).isEqualTo("http://" + Names.service(qd) + ".ml.svc:8000/v1");
  }

  @Test
  void nameStartingWithADigitGetsALetterFirst() {
    QwenDeployment qd = qwen("7b-chat");
    assertThat(Names.service(qd)).matches("qd-7b-chat-[0-9a-f]{8}");
    assertThat(Names.instance(qd)).isEqualTo("7b-chat");
  }

  @Test
  void longestNameIsCutToSixtyThreeAndStillTellsWhoseItIs() {
    QwenDeployment qd = qwen(LONGEST);
    assertThat(Names.service(qd)).hasSize(63).startsWith("aaaa").matches(".*-[0-9a-f]{8}");
    assertThat(Names.modelCacheClaim(qd)).hasSizeLessThanOrEqualTo(63).endsWith("-model-cache");
    assertThat(Names.instance(qd)).hasSizeLessThanOrEqualTo(63).matches(".*-[0-9a-f]{8}");
    assertThat(Names.event(qd)).hasSizeLessThanOrEqualTo(253);
  }

  @Test
  void namesThatSanitiseToTheSameTextStayApart() {
    List<String> names = List.of("qwen2.5-0.5b", "qwen2-5.0-5b", "qwen2.5.0.5b", "qwen2-5-0-5b");
    assertThat(names.stream().map(n -> Names.service(qwen(n))).distinct()).hasSize(names.size());
    assertThat(names.stream().map(n -> Names.modelCacheClaim(qwen(n))).distinct())
        .hasSize(names.size());
    String a = LONGEST;
    String b = LONGEST.substring(0, 252) + "d";
    assertThat(Names.service(qwen(a))).isNotEqualTo(Names.service(qwen(b)));
    assertThat(Names.instance(qwen(a))).isNotEqualTo(Names.instance(qwen(b)));
  }

  @Test
  void theSameNameAlwaysGivesTheSameNames() {
    assertThat(Names.service(qwen("qwen2.5-0.5b"))).isEqualTo(Names.service(qwen("qwen2.5-0.5b")));
    assertThat(Names.instance(qwen(LONGEST))).isEqualTo(Names.instance(qwen(LONGEST)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"qwen", "qwen2.5-0.5b", "7b", "0", "a.b.c", "q-" + "x", "my.model.v1.2-instruct"})
  void everyOwnedObjectIsValidForShortNames(String name) {
    assertEveryOwnedObjectIsValid(qwen(name));
  }

  @Test
  void everyOwnedObjectIsValidForTheLongestName() {
    assertEveryOwnedObjectIsValid(qwen(LONGEST));
    assertEveryOwnedObjectIsValid(qwen("9" + LONGEST.substring(1)));
  }

  static void assertEveryOwnedObjectIsValid(QwenDeployment qd) {
    Deployment deployment = DesiredDeployment.of(qd);
    List<HasMetadata> owned =
        List.of(
            deployment,
            DesiredService.of(qd),
            DesiredDisruptionBudget.of(qd),
            DesiredModelCacheClaim.of(qd));
    for (HasMetadata o : owned) {
      assertThat(ValidName.isDns1035Label(o.getMetadata().getName()))
          .as(o.getKind() + " name " + o.getMetadata().getName())
          .isTrue();
      assertLabelsValid(o.getKind(), o.getMetadata().getLabels());
    }
    assertLabelsValid("pod template", deployment.getSpec().getTemplate().getMetadata().getLabels());
    assertLabelsValid("selector", deployment.getSpec().getSelector().getMatchLabels());
    assertThat(ValidName.isDns1123Subdomain(Names.event(qd))).as(Names.event(qd)).isTrue();
  }

  static void assertLabelsValid(String what, Map<String, String> labels) {
    labels.forEach(
        (key, value) ->
            assertThat(ValidName.isLabelValue(value))
                .as(what + " label " + key + "=" + value)
                .isTrue());
  }
}
