package io.qwenops.operator.console.deployments;

import io.qwenops.operator.crd.SecretKeyRef;
import java.net.URI;
import java.util.List;

/**
 * A deployment with what the gateway needs to act on it: the view browsers see, the OpenAI base URL
 * of its Service (ending in {@code /v1}'s parent), its pods' addresses and the API key reference
 * (null when the deployment has none).
 */
public record ConsoleDeployment(
    DeploymentView view, URI inferenceUrl, List<PodTarget> pods, SecretKeyRef apiKeySecretRef) {

  public String namespace() {
    return view.namespace();
  }

  public String name() {
    return view.name();
  }
}
