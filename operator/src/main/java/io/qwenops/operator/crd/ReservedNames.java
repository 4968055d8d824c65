package io.qwenops.operator.crd;

/**
 * Names the operator sets itself and a user may not set: the environment variables of the pod
 * contract and the labels the operator selects its pods by. Kept here, beside the CEL rules that
 * quote them, so the schema and {@code SpecValidator} refuse the same list.
 */
public final class ReservedNames {

  /** Every variable the operator sets in the inference container starts so or is listed below. */
  public static final String ENV_PREFIX = "QWENOPS_";

  public static final String[] INFERENCE_ENV = {"HF_HOME", "HF_TOKEN", "JDK_JAVA_OPTIONS"};

  public static final String[] EXPORTER_ENV = {
    "POD_NAME",
    "POD_NAMESPACE",
    "NODE_NAME",
    "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES",
    "JAVA_TOOL_OPTIONS"
  };

  public static final String[] POD_LABELS = {
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by"
  };

  /** Read by the operator from a pod (set per pod by a node agent), never set for all pods. */
  public static final String GPU_UUIDS_ANNOTATION = "qwenops.io/gpu-uuids";

  static final String INFERENCE_ENV_RULE =
      "self.all(e, !e.name.startsWith('QWENOPS_')"
          + " && !(e.name in ['HF_HOME', 'HF_TOKEN', 'JDK_JAVA_OPTIONS']))";
  static final String INFERENCE_ENV_MESSAGE =
      "env may not set QWENOPS_*, HF_HOME, HF_TOKEN or JDK_JAVA_OPTIONS: the operator sets them"
          + " (use model.hfTokenSecretRef for HF_TOKEN, JAVA_TOOL_OPTIONS for JVM flags)";

  static final String EXPORTER_ENV_RULE =
      "self.all(e, !e.name.startsWith('QWENOPS_') && !(e.name in ['POD_NAME', 'POD_NAMESPACE',"
          + " 'NODE_NAME', 'NVIDIA_VISIBLE_DEVICES', 'NVIDIA_DRIVER_CAPABILITIES',"
          + " 'JAVA_TOOL_OPTIONS']))";
  static final String EXPORTER_ENV_MESSAGE =
      "exporter.env may not set QWENOPS_*, POD_NAME, POD_NAMESPACE, NODE_NAME,"
          + " NVIDIA_VISIBLE_DEVICES, NVIDIA_DRIVER_CAPABILITIES or JAVA_TOOL_OPTIONS: the operator"
          + " sets them (exporter.gpuVisibility chooses how the sidecar sees GPUs)";

  static final String POD_LABELS_RULE =
      "!['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component',"
          + " 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'].exists(k, k in self)";
  static final String POD_LABELS_MESSAGE =
      "podLabels may not set app.kubernetes.io/name, instance, component, part-of or managed-by:"
          + " the operator selects and watches its pods by them";

  static final String POD_ANNOTATIONS_RULE = "!('qwenops.io/gpu-uuids' in self)";
  static final String POD_ANNOTATIONS_MESSAGE =
      "podAnnotations may not set qwenops.io/gpu-uuids: it names one pod's GPUs, not every pod's";

  /** Most entries in one env or envFrom list; bounds the CEL rules' cost on the API server. */
  public static final int MAX_ENV = 128;

  private ReservedNames() {}

  public static boolean reservedInferenceEnv(String name) {
    return name.startsWith(ENV_PREFIX) || java.util.List.of(INFERENCE_ENV).contains(name);
  }

  public static boolean reservedExporterEnv(String name) {
    return name.startsWith(ENV_PREFIX) || java.util.List.of(EXPORTER_ENV).contains(name);
  }
}
