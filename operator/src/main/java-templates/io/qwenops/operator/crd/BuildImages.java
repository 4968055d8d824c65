package io.qwenops.operator.crd;

/**
 * The images this build produces, from the root pom's {@code image.registry} and {@code image.tag}
 * (templating-maven-plugin fills them in): an operator without QWENOPS_DEFAULT_*_IMAGE settings uses
 * these (desired/DefaultImages), so one property changes the images, the operator's defaults and
 * (checked by the chart's tests) the chart.
 */
public final class BuildImages {

  private BuildImages() {}

  public static final String REGISTRY = "${image.registry}";
  public static final String TAG = "${image.tag}";

  /** The CUDA flavour: the default, since a QwenDeployment asks for one GPU unless told otherwise. */
  public static final String INFERENCE = REGISTRY + "/inference-pod:" + TAG;

  /** The CPU flavour, for {@code resources.gpus: 0}. */
  public static final String INFERENCE_CPU = INFERENCE + "-cpu";

  public static final String EXPORTER = REGISTRY + "/gpu-exporter:" + TAG;

  /** The operator and the console gateway (one image, two commands). */
  public static final String OPERATOR = REGISTRY + "/operator:" + TAG;
}
