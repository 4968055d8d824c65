package io.qwenops.operator.console.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qwenops.operator.console.access.Authenticator;
import io.qwenops.operator.console.access.KubernetesAccess;
import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.access.SharedTokenAccess;
import io.qwenops.operator.console.deployments.ClusterDeployments;
import io.qwenops.operator.console.deployments.DeploymentSource;
import io.qwenops.operator.console.deployments.StaticDeployments;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar operator.jar console [flags]}: the console gateway as its own process. */
public final class ConsoleMain {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleMain.class);

  private ConsoleMain() {}

  public static void run(String[] args, Map<String, String> env) {
    ConsoleSettings settings;
    try {
      settings = ConsoleSettings.parse(args, env);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = settings.staticMode() ? null : new KubernetesClientBuilder().build();
    ConsoleGateway gateway;
    try {
      Authenticator authenticator =
          switch (settings.access()) {
            case TOKEN -> SharedTokenAccess.fromFile(settings.tokenFile());
            case KUBERNETES -> new KubernetesAccess(client);
            case NONE -> new OpenAccess();
          };
      DeploymentSource source =
          settings.staticMode()
              ? new StaticDeployments(
                  settings.name(),
                  settings.inferenceUrl(),
                  settings.exporterUrl(),
                  settings.notice(),
                  Duration.ofSeconds(2))
              : ClusterDeployments.start(client, settings.watchNamespaces());
      gateway =
          ConsoleGateway.start(
              settings.bind(),
              settings.port(),
              source,
              authenticator,
              settings.staticMode(),
              settings.webDir());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      LOG.error(
          "console could not start: {} (is the Kubernetes API reachable, and is the QwenDeployment"
              + " CRD from crds/ installed?)",
          e.toString(),
          e);
      System.exit(1);
      return;
    }
    ConsoleGateway running = gateway;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  if (client != null) {
                    client.close();
                  }
                }));
    LOG.info(
        "QwenOps console on http://{}:{} (access {}, {})",
        settings.bind(),
        gateway.port(),
        settings.access().wireName(),
        settings.staticMode()
            ? "static: " + settings.inferenceUrl()
            : "namespaces "
                + (settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces()));
  }
}
