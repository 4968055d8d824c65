package io.qwenops.operator.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.ModelSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.it.ApplyingCrudDispatcher;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the operator copes with many QwenDeployments: creates N of them (default 200) against the
 * CRUD mock API server, waits until every one has its Deployment, Service and PodDisruptionBudget
 * and a status for its current generation, lets someone else edit every Deployment (reconciles with
 * nothing to do), then changes every spec and waits for the rollout. Prints wall time, reconciles
 * per second, the operator's heap, and the API writes the operator sent in each phase by kind
 * (creates, updates, applies, status writes, events).
 *
 * <p>Run: {@code ./mvnw -q -pl operator test-compile exec:exec@bench} (see docs/benchmarks.md).
 */
public final class ScaleBenchmark {

  private static final Logger QUIET = Logger.getLogger("io.fabric8.mockwebserver");

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int namespaces = 10;
    // The mock server logs every request at INFO; that would be most of what we measure.
    QUIET.setLevel(Level.WARNING);

    // The tests' mock: CRUD plus server-side apply and stale-status conflicts as a real server.
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new ApplyingCrudDispatcher(new HashMap<>()),
            false);
    server.init();
    KubernetesClient client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();

    // All QwenDeployments exist before the operator starts (an operator restart, or a
    // GitOps sync): what follows measures the operator, not the mock server's create path.
    long createStart = System.nanoTime();
    for (int i = 0; i < count; i++) {
      client.resource(qwen("bench-" + (i % namespaces), "qwen-" + i)).create();
    }
    long created = System.nanoTime();

    long heapBaseline = usedHeapAfterGc();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WriteCounter writes = new WriteCounter();
    Operator operator =
        QwenOperator.create(
            writes.client(client),
            OperatorSettings.standalone(threads),
            registry,
            InvalidSpecBackoff.standard());
    long start = System.nanoTime();
    operator.start();
    awaitUntil(() -> steady(client, count, 1L, "64"));
    long steady = System.nanoTime();
    double reconcilesToSteady = reconciles(registry);
    Map<String, Long> writesToSteady = writes.takeCounts();

    // Steady state: an edit by someone else to each Deployment (a policy engine's label) is an
    // event, so a reconcile, for every QwenDeployment; nothing the operator owns changed.
    for (int i = 0; i < count; i++) {
      client
          .apps()
          .deployments()
          .inNamespace("bench-" + (i % namespaces))
          .withName("qwen-" + i)
          .edit(
              d -> {
                d.getMetadata().getLabels().put("policy.example.com/verified", "true");
                return d;
              });
    }
    awaitUntil(() -> reconciles(registry) >= reconcilesToSteady + count);
    Thread.sleep(2000);
    double reconcilesAtRest = reconciles(registry) - reconcilesToSteady;
    Map<String, Long> writesAtRest = writes.takeCounts();
    double reconcilesBeforeChange = reconciles(registry);
    if (reconcilesToSteady == 0) {
      registry.getMeters().forEach(m -> System.out.println("meter: " + m.getId()));
    }

    for (int i = 0; i < count; i++) {
      client
          .resources(QwenDeployment.class)
          .inNamespace("bench-" + (i % namespaces))
          .withName("qwen-" + i)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"engine\":{\"maxNumSeqs\":96}}}");
    }
    awaitUntil(() -> steady(client, count, 2L, "96"));
    long rolledOut = System.nanoTime();
    // Let the status writes that follow the rollout land before counting.
    Thread.sleep(2000);
    double reconcilesTotal = reconciles(registry);
    Map<String, Long> writesForChange = writes.takeCounts();

    long heapWithOperator = usedHeapAfterGc();
    operator.stop();
    long heapWithoutOperator = usedHeapAfterGc();

    double createSeconds = (created - createStart) / 1e9;
    double steadySeconds = (steady - start) / 1e9;
    double rolloutSeconds = (rolledOut - steady) / 1e9;
    System.out.printf(
        "QwenDeployments:                     %d (%d namespaces, %d reconcile threads)%n",
        count, namespaces, threads);
    System.out.printf(
        "mock server, %d creates took:       %.2f s (before the operator starts)%n",
        count, createSeconds);
    System.out.printf(
        "operator start to all steady:        %.2f s (owned objects + current status)%n",
        steadySeconds);
    System.out.printf(
        "reconciles to steady state:          %.0f (%.1f per QwenDeployment, %.0f/s)%n",
        reconcilesToSteady, reconcilesToSteady / count, reconcilesToSteady / steadySeconds);
    System.out.printf(
        "spec change rolled out to all:       %.2f s (%.0f reconciles, %.0f/s)%n",
        rolloutSeconds,
        reconcilesTotal - reconcilesBeforeChange,
        (reconcilesTotal - reconcilesBeforeChange) / rolloutSeconds);
    printWrites("API writes to steady state", writesToSteady, count, reconcilesToSteady);
    printWrites("API writes at rest (others' edits)", writesAtRest, count, reconcilesAtRest);
    printWrites(
        "API writes for one spec change",
        writesForChange,
        count,
        reconcilesTotal - reconcilesBeforeChange);
    System.out.printf(
        "heap used, JVM total after GC:       %.1f MiB (mock API server included)%n",
        heapWithOperator / 1048576.0);
    System.out.printf(
        "operator heap (with - without it):   %.1f MiB%n",
        (heapWithOperator - heapWithoutOperator) / 1048576.0);
    System.out.printf("baseline before operator start:      %.1f MiB%n", heapBaseline / 1048576.0);
    client.close();
    server.destroy();
    System.exit(0);
  }

  static void printWrites(String phase, Map<String, Long> writes, int count, double reconciles) {
    long total = writes.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        "%-36s %d (%.2f per QwenDeployment; %.0f reconciles, %.2f writes per reconcile)%n",
        phase + ":",
        total,
        (double) total / count,
        reconciles,
        reconciles == 0 ? 0 : total / reconciles);
    writes.forEach(
        (what, n) ->
            System.out.printf(
                "    %-32s %d (%.2f per QwenDeployment)%n", what, n, (double) n / count));
  }

  static boolean steady(KubernetesClient client, int count, long generation, String maxNumSeqs) {
    List<QwenDeployment> all =
        client.resources(QwenDeployment.class).inAnyNamespace().list().getItems();
    long statusCurrent =
        all.stream()
            .filter(
                q ->
                    q.getStatus() != null
                        && Objects.equals(
                            q.getStatus().getObservedGeneration(), q.getMetadata().getGeneration()))
            .filter(
                q ->
                    q.getMetadata().getGeneration() != null
                        && q.getMetadata().getGeneration() >= generation)
            .count();
    if (statusCurrent < count) {
      return false;
    }
    long deployments =
        client.apps().deployments().inAnyNamespace().list().getItems().stream()
            .filter(
                d ->
                    d.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                        .anyMatch(
                            e ->
                                e.getName().equals("QWENOPS_MAX_NUM_SEQS")
                                    && maxNumSeqs.equals(e.getValue())))
            .count();
    return deployments == count
        && client.services().inAnyNamespace().list().getItems().size() == count
        && client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems().size()
            == count;
  }

  static QwenDeployment qwen(String namespace, String name) {
    QwenDeployment qd = new QwenDeployment();
    qd.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    QwenDeploymentSpec spec = new QwenDeploymentSpec();
    ModelSpec model = new ModelSpec();
    model.setSource("hf://Qwen/Qwen2.5-0.5B-Instruct");
    spec.setModel(model);
    spec.setReplicas(2);
    qd.setSpec(spec);
    return qd;
  }

  static double reconciles(SimpleMeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().equals("operator.sdk.reconciliations.started"))
        .filter(m -> m instanceof Counter)
        .mapToDouble(m -> ((Counter) m).count())
        .sum();
  }

  static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not steady after 10 minutes");
      }
      Thread.sleep(100);
    }
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static CustomResourceDefinition crd() throws java.io.IOException {
    Path file =
        Path.of(System.getProperty("qwenops.crd.committed", "../crds"))
            .resolve("qwendeployments.qwenops.io-v1.yml");
    return Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
  }
}
