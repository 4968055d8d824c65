package io.qwenops.operator.desired;

/**
 * What the operator promises the inference container and the gpu-exporter sidecar: ports, probe
 * paths, mount points and environment names. docs/operator.md documents the same list; the two
 * other modules read it from there.
 */
public final class PodContract {

  public static final String INFERENCE_CONTAINER = "inference";
  public static final String EXPORTER_CONTAINER = "gpu-exporter";

  public static final int OPENAI_PORT = 8000;
  public static final String OPENAI_PORT_NAME = "openai";
  public static final int TELEMETRY_PORT = 9400;
  public static final String TELEMETRY_PORT_NAME = "telemetry";

  public static final String READINESS_PATH = "/health";
  public static final String LIVENESS_PATH = "/health/live";
  public static final String EXPORTER_HEALTH_PATH = "/health";

  public static final String TERMINATION_MESSAGE_POLICY = "FallbackToLogsOnError";

  public static final String SHARED_DIR = "/var/run/qwenops";
  public static final String GPU_UUIDS_FILE = SHARED_DIR + "/gpu-uuids";
  public static final String MODEL_CACHE_DIR = "/var/cache/qwenops/models";
  public static final String MODEL_SOURCE_DIR = "/var/lib/qwenops/model-source";
  public static final String TMP_DIR = "/tmp";
  public static final String SHM_DIR = "/dev/shm";

  public static final String ENV_MODEL = "QWENOPS_MODEL";
  public static final String ENV_SERVED_MODEL_NAME = "QWENOPS_SERVED_MODEL_NAME";
  public static final String ENV_DTYPE = "QWENOPS_DTYPE";
  public static final String ENV_QUANTIZATION = "QWENOPS_QUANTIZATION";
  public static final String ENV_MAX_MODEL_LEN = "QWENOPS_MAX_MODEL_LEN";
  public static final String ENV_MAX_NUM_SEQS = "QWENOPS_MAX_NUM_SEQS";
  public static final String ENV_MAX_NUM_BATCHED_TOKENS = "QWENOPS_MAX_NUM_BATCHED_TOKENS";
  public static final String ENV_GPU_MEMORY_UTILIZATION = "QWENOPS_GPU_MEMORY_UTILIZATION";
  public static final String ENV_PORT = "QWENOPS_PORT";

  /** Seconds the server lets running requests finish after SIGTERM. */
  public static final String ENV_DRAIN_SECONDS = "QWENOPS_DRAIN_SECONDS";

  public static final String ENV_API_KEY = "QWENOPS_API_KEY";
  public static final String ENV_HF_TOKEN = "HF_TOKEN";
  public static final String ENV_HF_HOME = "HF_HOME";
  public static final String ENV_GPU_UUIDS_FILE = "QWENOPS_GPU_UUIDS_FILE";

  /**
   * Read by the {@code java} launcher: the inference pod's CPU decode kernel needs the Vector API.
   */
  public static final String ENV_JDK_JAVA_OPTIONS = "JDK_JAVA_OPTIONS";

  public static final String INFERENCE_JAVA_OPTIONS = "--add-modules jdk.incubator.vector";
  public static final String ENV_INTERVAL_MS = "QWENOPS_INTERVAL_MS";
  public static final String ENV_EXPORTER_INTERVAL_MS = "QWENOPS_EXPORTER_INTERVAL_MS";
  public static final String ENV_EXPORTER_CONTAINER_NAME = "QWENOPS_CONTAINER_NAME";

  /** gpu-exporter refuses faster sampling. */
  public static final long MIN_EXPORTER_INTERVAL_MS = 100;

  public static final String DEFAULT_HF_TOKEN_KEY = "token";
  public static final String DEFAULT_API_KEY_KEY = "api-key";
  public static final String DEFAULT_EXPORTER_TOKEN_KEY = "token";

  /** The gpu-exporter reads its bearer token from this file (a read-only Secret volume). */
  public static final String ENV_EXPORTER_TOKEN_FILE = "QWENOPS_EXPORTER_TOKEN_FILE";

  public static final String EXPORTER_TOKEN_DIR = "/etc/qwenops/exporter-token";
  public static final String EXPORTER_TOKEN_FILE = EXPORTER_TOKEN_DIR + "/token";

  public static final long RUN_AS_USER = 65532;

  private PodContract() {}
}
