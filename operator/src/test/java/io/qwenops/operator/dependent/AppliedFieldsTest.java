package io.qwenops.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qwenops.operator.desired.DesiredDeployment;
import io.qwenops.operator.it.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedFieldsTest {

  @SuppressWarnings("unchecked")
  static Map<String, Object> owned(Deployment applied) {
    ManagedFieldsEntry entry =
        AppliedFields.entry(
            "qwenops-operator", Serialization.jsonMapper().convertValue(applied, Map.class));
    assertThat(entry.getManager()).isEqualTo("qwenops-operator");
    assertThat(entry.getOperation()).isEqualTo("Apply");
    return entry.getFieldsV1().getAdditionalProperties();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Map<String, Object> fields, String... path) {
    Map<String, Object> here = fields;
    for (String step : path) {
      assertThat(here).as("owned fields at " + step).containsKey(step);
      here = (Map<String, Object>) here.get(step);
    }
    return here;
  }

  @Test
  void aReplicaCountLeftOutOfTheApplyIsNotClaimedSoAnAutoscalerKeepsIt() {
    Deployment applied =
        DesiredDeployment.of(Fixtures.qwen("ns", "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2));
    assertThat(at(owned(applied), "f:spec")).containsKey("f:replicas");

    applied.getSpec().setReplicas(null);
    assertThat(at(owned(applied), "f:spec"))
        .doesNotContainKey("f:replicas")
        .containsKey("f:template");
  }

  @Test
  void containersAndEnvAreClaimedItemByItemAndTemplateAnnotationsKeyByKey() {
    Deployment applied =
        DesiredDeployment.of(Fixtures.qwen("ns", "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1));
    Map<String, Object> pod = at(owned(applied), "f:spec", "f:template", "f:spec");
    Map<String, Object> inference = at(pod, "f:containers", "k:{\"name\":\"inference\"}");
    assertThat(at(inference, "f:env")).containsKey("k:{\"name\":\"QWENOPS_MAX_NUM_SEQS\"}");
    // A sidecar another manager injects, or kubectl's restartedAt annotation, is no field of ours.
    assertThat(at(pod, "f:containers")).doesNotContainKey("k:{\"name\":\"istio-proxy\"}");
    applied.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("example.com/hash", "1"));
    assertThat(at(owned(applied), "f:spec", "f:template", "f:metadata", "f:annotations"))
        .containsOnlyKeys("f:example.com/hash");
    assertThat(at(owned(applied), "f:metadata")).doesNotContainKey("f:resourceVersion");
  }
}
