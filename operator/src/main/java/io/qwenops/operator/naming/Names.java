package io.qwenops.operator.naming;

import io.qwenops.operator.crd.QwenDeployment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one place that names owned objects and labels them; everything else asks here.
 *
 * <p>A QwenDeployment may have any valid resource name (a DNS-1123 subdomain of up to 253
 * characters, dots and leading digits allowed), but a Service name must be a DNS-1035 label (at
 * most 63 characters, a letter first, no dots) and a label value at most 63 characters. Every owned
 * object is therefore named by {@link ValidName#dns1035Label}, and the instance label by {@link
 * ValidName#labelValue}: the QwenDeployment's own name wherever it fits, else a sanitised,
 * shortened form with a hash of the full name appended (see docs/operator.md, "Names").
 */
public final class Names {

  public static final String APP_NAME = "qwen-inference";
  public static final String MANAGED_BY = "qwenops-operator";
  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  public static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

  /** Label selector every informer of owned objects uses. */
  public static final String MANAGED_SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY;

  /** Where a node agent (or a person) may record a pod's GPU UUIDs, comma-separated. */
  public static final String GPU_UUIDS_ANNOTATION = "qwenops.io/gpu-uuids";

  static final String MODEL_CACHE_SUFFIX = "-model-cache";

  private Names() {}

  public static String deployment(QwenDeployment qd) {
    return ValidName.dns1035Label(name(qd), "");
  }

  public static String service(QwenDeployment qd) {
    return ValidName.dns1035Label(name(qd), "");
  }

  public static String podDisruptionBudget(QwenDeployment qd) {
    return ValidName.dns1035Label(name(qd), "");
  }

  public static String autoscaler(QwenDeployment qd) {
    return ValidName.dns1035Label(name(qd), "");
  }

  public static String modelCacheClaim(QwenDeployment qd) {
    return ValidName.dns1035Label(name(qd), MODEL_CACHE_SUFFIX);
  }

  /** A fresh name for one Event about this QwenDeployment: {@code <name>.<8 hex>}. */
  public static String event(QwenDeployment qd) {
    return ValidName.subdomainWithSuffix(
        name(qd), "." + UUID.randomUUID().toString().substring(0, 8));
  }

  /** The instance label's value: the name when it is a valid label value, else a short form. */
  public static String instance(QwenDeployment qd) {
    return ValidName.labelValue(name(qd));
  }

  /** In-cluster OpenAI base URL clients use. */
  public static String endpoint(QwenDeployment qd) {
    return "http://"
        + service(qd)
        + "."
        + qd.getMetadata().getNamespace()
        + ".svc:"
        + qd.getSpec().getService().getPort()
        + "/v1";
  }

  /** Labels that pick this QwenDeployment's pods; stable for the object's lifetime. */
  public static Map<String, String> selectorLabels(QwenDeployment qd) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_NAME, APP_NAME);
    labels.put(LABEL_INSTANCE, instance(qd));
    return labels;
  }

  /** Labels on every owned object and pod. */
  public static Map<String, String> labels(QwenDeployment qd) {
    Map<String, String> labels = selectorLabels(qd);
    labels.put(LABEL_COMPONENT, "inference");
    labels.put(LABEL_PART_OF, "qwenops");
    labels.put(LABEL_MANAGED_BY, MANAGED_BY);
    return labels;
  }

  /** The selector as a string, as the scale subresource wants it. */
  public static String selector(QwenDeployment qd) {
    return selectorLabels(qd).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static String name(QwenDeployment qd) {
    return qd.getMetadata().getName();
  }
}
