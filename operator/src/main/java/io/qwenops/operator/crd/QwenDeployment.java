package io.qwenops.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Qwen model served behind an in-cluster OpenAI endpoint; the source of crds/. */
@Group("qwenops.io")
@Version("v1alpha1")
@Plural("qwendeployments")
@ShortNames("qd")
@AdditionalPrinterColumn(
    name = "Model",
    jsonPath = ".spec.model.source",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.ready",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Download",
    jsonPath = ".status.download",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class QwenDeployment extends CustomResource<QwenDeploymentSpec, QwenDeploymentStatus>
    implements Namespaced {
  // No initStatus(): an absent status must stay null in Java. An empty one made up here would
  // turn the operator's first status patch into "add /status/conditions" against a server
  // object that has no /status, which the API server rejects.
}
