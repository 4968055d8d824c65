package io.qwenops.operator.desired;

import io.qwenops.operator.crd.BuildImages;
import io.qwenops.operator.crd.ImagesSpec;
import java.util.Map;

/**
 * The images a pod gets when {@code spec.images} leaves one unset. They are the operator's, read at
 * reconcile time and never stored in the QwenDeployment, so upgrading the operator (or changing its
 * settings) moves every QwenDeployment that did not pin an image.
 *
 * @param inference the inference server image
 * @param exporter the gpu-exporter sidecar image
 */
public record DefaultImages(String inference, String exporter) {

  public static final String ENV_INFERENCE = "QWENOPS_DEFAULT_INFERENCE_IMAGE";
  public static final String ENV_EXPORTER = "QWENOPS_DEFAULT_EXPORTER_IMAGE";

  /** The images this build produces: what an operator without settings uses. */
  public static final DefaultImages BUILD =
      new DefaultImages(BuildImages.INFERENCE, BuildImages.EXPORTER);

  public DefaultImages {
    if (inference == null || inference.isBlank() || exporter == null || exporter.isBlank()) {
      throw new IllegalArgumentException(
          "default images must be named: " + inference + ", " + exporter);
    }
  }

  /** From the operator's environment; an unset or blank variable keeps the build's image. */
  public static DefaultImages fromEnv(Map<String, String> env) {
    return new DefaultImages(
        orBuild(env.get(ENV_INFERENCE), BUILD.inference),
        orBuild(env.get(ENV_EXPORTER), BUILD.exporter));
  }

  /** The pinned inference image, or this default. */
  public String inferenceFor(ImagesSpec images) {
    return pinnedOr(images == null ? null : images.getInference(), inference);
  }

  /** The pinned exporter image, or this default. */
  public String exporterFor(ImagesSpec images) {
    return pinnedOr(images == null ? null : images.getExporter(), exporter);
  }

  private static String pinnedOr(String pinned, String fallback) {
    return pinned == null || pinned.isBlank() ? fallback : pinned;
  }

  private static String orBuild(String value, String build) {
    return value == null || value.isBlank() ? build : value.trim();
  }
}
