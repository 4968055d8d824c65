package io.qwenops.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.qwenops.operator.app.HttpEndpoints;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.console.server.ConsoleMain;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar operator.jar}: the operator, with the in-cluster (or kubeconfig) credentials.
 * {@code java -jar operator.jar console [flags]}: the console gateway instead (docs/console.md).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("console")) {
      ConsoleMain.run(Arrays.copyOfRange(args, 1, args.length), System.getenv());
      return;
    }
    if (args.length > 0) {
      System.err.println(
          "unknown command '"
              + args[0]
              + "': run without arguments for the operator, or"
              + " 'console' for the console gateway");
      System.exit(2);
    }
    OperatorSettings settings;
    try {
      settings = OperatorSettings.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (settings.leaderElection() && settings.leaseNamespace() == null) {
      System.err.println(
          "Leader election needs the operator's namespace: set QWENOPS_OPERATOR_NAMESPACE (or"
              + " POD_NAMESPACE from the Downward API), or QWENOPS_LEADER_ELECTION=false for a"
              + " single replica.");
      System.exit(2);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);

    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator =
        QwenOperator.create(client, settings, registry, InvalidSpecBackoff.standard());
    HttpEndpoints http =
        new HttpEndpoints(
                settings.httpPort(), () -> operator.getRuntimeInfo().isStarted(), registry)
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  http.close();
                  client.close();
                }));
    try {
      operator.start();
    } catch (RuntimeException e) {
      // Without this the HTTP server's thread would keep a useless process alive.
      LOG.error(
          "could not start: {} (is the Kubernetes API reachable, and is the QwenDeployment CRD"
              + " from crds/ installed?)",
          rootMessage(e),
          e);
      System.exit(1);
    }
    LOG.info(
        "QwenOps operator started; namespaces={}, leaderElection={}, health and metrics on :{}",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.leaderElection(),
        http.port());
  }
}
