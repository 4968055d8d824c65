package io.qwenops.operator.status;

/** The condition types and reasons a QwenDeployment reports; docs/operator.md lists them too. */
public final class ConditionTypes {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String DOWNLOADING = "Downloading";
  public static final String SPEC_WARNING = "SpecWarning";

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  public static final String REASON_ALL_READY = "AllReplicasReady";
  public static final String REASON_SCALED_TO_ZERO = "ScaledToZero";
  public static final String REASON_NOT_READY = "ReplicasNotReady";
  public static final String REASON_ROLLING_OUT = "RollingOut";
  public static final String REASON_ROLLOUT_COMPLETE = "RolloutComplete";
  public static final String REASON_AS_EXPECTED = "AsExpected";
  public static final String REASON_PODS_FAILING = "PodsFailing";
  public static final String REASON_RECONCILE_ERROR = "ReconcileError";
  public static final String REASON_DOWNLOADING_MODEL = "DownloadingModel";
  public static final String REASON_NO_DOWNLOAD = "NoDownload";
  public static final String REASON_NO_WARNINGS = "NoWarnings";
  public static final String REASON_SEVERAL_WARNINGS = "SeveralWarnings";

  private ConditionTypes() {}
}
