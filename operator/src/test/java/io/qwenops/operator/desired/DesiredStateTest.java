package io.qwenops.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.it.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The desired-state builders, without any server. */
class DesiredStateTest {

  static QwenDeployment qwen(String source) {
    return Fixtures.qwen("ml", "chat", source, 1);
  }

  static Container container(Deployment d, String name) {
    return d.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, String> plainEnv(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void defaultsGiveOneGpuPodWithTheSidecarUnderTheNodesRuntime() {
    Deployment d = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"));
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getRuntimeClassName()).isNull();
    assertThat(pod.getContainers())
        .extracting(Container::getName)
        .containsExactly("inference", "gpu-exporter");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    Map<String, String> env = plainEnv(container(d, "inference"));
    assertThat(env)
        .containsEntry("QWENOPS_MODEL", "hf://Qwen/Qwen2.5-0.5B-Instruct@main")
        .containsEntry("QWENOPS_SERVED_MODEL_NAME", "Qwen/Qwen2.5-0.5B-Instruct")
        .containsEntry("QWENOPS_DTYPE", "auto")
        .containsEntry("QWENOPS_MAX_NUM_SEQS", "64")
        .containsEntry("QWENOPS_GPU_MEMORY_UTILIZATION", "0.9")
        .containsEntry("QWENOPS_PORT", "8000")
        .containsEntry("HF_HOME", "/var/cache/qwenops/models/huggingface")
        .containsEntry("QWENOPS_GPU_UUIDS_FILE", "/var/run/qwenops/gpu-uuids")
        .containsEntry("JDK_JAVA_OPTIONS", "--add-modules jdk.incubator.vector")
        .doesNotContainKeys("QWENOPS_MAX_MODEL_LEN", "QWENOPS_MAX_NUM_BATCHED_TOKENS", "HF_TOKEN");
    assertThat(container(d, "inference").getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(container(d, "gpu-exporter").getResources().getLimits())
        .doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void everyContainerIsLockedDownAndHasWritableScratchSpace() {
    Deployment d = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"));
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
    for (Container c : pod.getContainers()) {
      var sc = c.getSecurityContext();
      assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
      assertThat(sc.getPrivileged()).as(c.getName()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getVolumeMounts())
          .extracting(VolumeMount::getMountPath)
          .contains("/tmp", "/var/run/qwenops");
    }
    assertThat(container(d, "gpu-exporter").getVolumeMounts())
        .filteredOn(m -> m.getMountPath().equals("/var/run/qwenops"))
        .extracting(VolumeMount::getReadOnly)
        .containsExactly(true);
    assertThat(container(d, "inference").getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .contains("/dev/shm", "/var/cache/qwenops/models");
  }

  @Test
  void pvcSourceMountsTheClaimReadOnlyAndPointsTheModelThere() {
    Deployment d = DesiredDeployment.of(qwen("pvc://models/qwen/7b/"));
    assertThat(plainEnv(container(d, "inference")))
        .containsEntry("QWENOPS_MODEL", "/var/lib/qwenops/model-source/qwen/7b")
        .containsEntry("QWENOPS_SERVED_MODEL_NAME", "7b");
    assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("model-source"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("models");
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
  }

  @Test
  void cpuOnlyPodsGetNoGpuAndNoRuntimeClassAndEngineKnobsPassThrough() {
    QwenDeployment qd = qwen("/opt/models/qwen-0.5b");
    qd.getSpec().getResources().setGpus(0);
    qd.getSpec().getResources().setCpu(new Quantity("4"));
    qd.getSpec().getResources().setMemory(new Quantity("8Gi"));
    qd.getSpec().getModel().setServedName("qwen-small");
    qd.getSpec().getEngine().setDtype("float32");
    qd.getSpec().getEngine().setMaxModelLen(4096);
    qd.getSpec().getEngine().setMaxNumBatchedTokens(2048);
    qd.getSpec().getEngine().setGpuMemoryUtilization(0.5);
    qd.getSpec().getEngine().setExtraArgs(List.of("--enable-prefix-caching"));
    qd.getSpec().getExporter().setInterval("2s");
    Deployment d = DesiredDeployment.of(qd);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getRuntimeClassName()).isNull();
    Container inference = container(d, "inference");
    assertThat(inference.getResources().getRequests())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("8Gi"))
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(inference.getResources().getLimits()).containsEntry("memory", new Quantity("8Gi"));
    assertThat(inference.getArgs()).containsExactly("--enable-prefix-caching");
    assertThat(plainEnv(inference))
        .containsEntry("QWENOPS_MODEL", "/opt/models/qwen-0.5b")
        .containsEntry("QWENOPS_SERVED_MODEL_NAME", "qwen-small")
        .containsEntry("QWENOPS_DTYPE", "float32")
        .containsEntry("QWENOPS_MAX_MODEL_LEN", "4096")
        .containsEntry("QWENOPS_MAX_NUM_BATCHED_TOKENS", "2048")
        .containsEntry("QWENOPS_GPU_MEMORY_UTILIZATION", "0.5");
    assertThat(plainEnv(container(d, "gpu-exporter")))
        .containsEntry("QWENOPS_INTERVAL_MS", "2000")
        .containsEntry("QWENOPS_EXPORTER_INTERVAL_MS", "2000")
        .containsEntry("QWENOPS_CONTAINER_NAME", "inference");
  }

  @Test
  void cpuWeightPrecisionReachesTheServer() {
    QwenDeployment qd = Fixtures.qwen("ns", "cpu-int8", "hf://Qwen/Qwen2.5-0.5B-Instruct", 0);
    Container before = container(DesiredDeployment.of(qd), "inference");
    assertThat(plainEnv(before)).doesNotContainKey("QWENOPS_QUANTIZATION");

    qd.getSpec().getEngine().setDtype("bfloat16");
    qd.getSpec().getEngine().setQuantization("int8");
    Container after = container(DesiredDeployment.of(qd), "inference");

    assertThat(plainEnv(after))
        .containsEntry("QWENOPS_DTYPE", "bfloat16")
        .containsEntry("QWENOPS_QUANTIZATION", "int8");
  }

  @Test
  void schedulingFieldsAndImageOverridesReachThePod() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-7B-Instruct");
    qd.getSpec().setNodeSelector(Map.of("gpu", "h100"));
    qd.getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists").build()));
    qd.getSpec().setPriorityClassName("inference-high");
    qd.getSpec().setRuntimeClassName("nvidia-cdi");
    qd.getSpec().getImages().setInference("registry.local/inference:1.2");
    qd.getSpec().getImages().setPullSecrets(List.of("regcred"));
    var pod = DesiredDeployment.of(qd).getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsEntry("gpu", "h100");
    assertThat(pod.getTolerations()).hasSize(1);
    assertThat(pod.getPriorityClassName()).isEqualTo("inference-high");
    assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia-cdi");
    assertThat(pod.getContainers().getFirst().getImage()).isEqualTo("registry.local/inference:1.2");
    assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
  }

  @Test
  void unsetImagesAreTheOperatorsDefaultsAndPinnedOnesWin() {
    DefaultImages operatorDefaults =
        new DefaultImages("mirror.local/inference-pod:2.0", "mirror.local/gpu-exporter:2.0");
    QwenDeployment unpinned = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(DesiredDeployment.of(unpinned, operatorDefaults).getSpec().getTemplate().getSpec())
        .extracting(p -> p.getContainers().stream().map(c -> c.getImage()).toList())
        .isEqualTo(List.of("mirror.local/inference-pod:2.0", "mirror.local/gpu-exporter:2.0"));

    QwenDeployment pinned = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    pinned.getSpec().getImages().setInference("registry.local/inference:1.2");
    pinned.getSpec().getImages().setExporter("registry.local/exporter:1.2");
    assertThat(DesiredDeployment.of(pinned, operatorDefaults).getSpec().getTemplate().getSpec())
        .extracting(p -> p.getContainers().stream().map(c -> c.getImage()).toList())
        .isEqualTo(List.of("registry.local/inference:1.2", "registry.local/exporter:1.2"));
  }

  @Test
  void exporterCanBeTurnedOffAndTheServiceThenHasNoTelemetryPort() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getExporter().setEnabled(false);
    qd.getSpec().getService().setPort(80);
    qd.getSpec().getService().setType("LoadBalancer");
    qd.getSpec().getService().setAnnotations(Map.of("lb.example/internal", "true"));
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("inference");
    var service = DesiredService.of(qd);
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getMetadata().getAnnotations()).containsEntry("lb.example/internal", "true");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("openai:80->openai");
  }

  @Test
  void telemetryPortIsOnTheServiceOnlyWhenAskedFor() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(DesiredService.of(qd).getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly("openai:8000");
    qd.getSpec().getExporter().setPublishOnService(true);
    assertThat(DesiredService.of(qd).getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("openai:8000->openai", "telemetry:9400->telemetry");
  }

  @Test
  void exporterTokenIsMountedReadOnlyIntoTheSidecarAlone() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(plainEnv(container(DesiredDeployment.of(qd), "gpu-exporter")))
        .doesNotContainKey("QWENOPS_EXPORTER_TOKEN_FILE");

    qd.getSpec().getExporter().setTokenSecretRef(Fixtures.ref("exporter-auth", "bearer"));
    Deployment d = DesiredDeployment.of(qd);
    var volume =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("exporter-auth");
    assertThat(volume.getSecret().getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("bearer->token");
    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);

    Container exporter = container(d, "gpu-exporter");
    assertThat(plainEnv(exporter))
        .containsEntry("QWENOPS_EXPORTER_TOKEN_FILE", "/etc/qwenops/exporter-token/token");
    assertThat(exporter.getVolumeMounts())
        .filteredOn(m -> m.getName().equals(volume.getName()))
        .extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly("/etc/qwenops/exporter-token:true");
    assertThat(container(d, "inference").getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain(volume.getName());
    assertThat(plainEnv(container(d, "inference")))
        .doesNotContainKey("QWENOPS_EXPORTER_TOKEN_FILE");

    qd.getSpec().getExporter().setEnabled(false);
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getVolumes())
        .as("no sidecar, no token volume")
        .allSatisfy(v -> assertThat(v.getSecret()).isNull());
  }

  @Test
  void modelCacheModesPickTheRightVolume() {
    QwenDeployment existing = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    existing.getSpec().getModelCache().setType(ModelCacheType.ExistingClaim);
    existing.getSpec().getModelCache().setClaimName("shared-weights");
    assertThat(DesiredDeployment.of(existing).getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("model-cache"))
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("shared-weights");

    QwenDeployment none = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(DesiredDeployment.of(none).getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("model-cache"))
        .allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());

    QwenDeployment managed = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    managed.getSpec().getModelCache().setType(ModelCacheType.Managed);
    managed.getSpec().getModelCache().setSize(new Quantity("100Gi"));
    var claim = DesiredModelCacheClaim.of(managed);
    assertThat(claim.getMetadata().getName()).isEqualTo("chat-model-cache");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("100Gi"));
  }

  @Test
  void disruptionBudgetAllowsOneVoluntaryEvictionAtATime() {
    var pdb = DesiredDisruptionBudget.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"));
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/instance", "chat")
        .containsEntry("app.kubernetes.io/name", "qwen-inference");
  }
}
