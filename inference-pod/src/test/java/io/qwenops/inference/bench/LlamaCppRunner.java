package io.qwenops.inference.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.bench.EngineBenchmark.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp on a GGUF file of our checkpoint, through {@code scripts/llama-cpp/driver.mjs}
 * (node-llama-cpp 3.21.1, its prebuilt CPU build): one node process loads the model once, then per
 * concurrency c runs one context of c sequences on the benchmark's own prompts, greedy, {@link
 * EngineBenchmark#OUTPUT} tokens each, EOS ignored. Its times come back per token and are summed up
 * exactly as our engine's are.
 */
final class LlamaCppRunner {

  /** Greedy tokens compared between llama.cpp and our engine before timing. */
  static final int AGREEMENT_TOKENS = 32;

  private static final int AGREEMENT_CAP_SECONDS = 600;

  /** llama.cpp's threads: the box's two cores, as our engine uses them. */
  static final int THREADS = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** llama.cpp's greedy continuation of the agreement prompt, and one result per concurrency. */
  record Runs(int[] greedy, List<Result> results) {}

  private final Path driverDir;

  LlamaCppRunner(Path driverDir) {
    this.driverDir = driverDir;
  }

  /** {@code -Dqwenops.llamacpp.dir}, else scripts/llama-cpp under the working directory. */
  static Path driverDir() {
    return Path.of(System.getProperty("qwenops.llamacpp.dir", "scripts/llama-cpp"));
  }

  /** The GGUF file of {@code checkpoint} at {@code precision}, written beside it on first use. */
  static Path ggufFor(Path checkpoint, GgufWriter.Precision precision) throws IOException {
    Path gguf = checkpoint.resolveSibling(checkpoint.getFileName() + "-" + precision + ".gguf");
    if (!Files.exists(gguf)) {
      System.out.println("Writing " + gguf + " for llama.cpp ...");
      GgufWriter.write(checkpoint, precision, gguf);
    }
    return gguf;
  }

  /**
   * The agreement run (c=1, {@link #AGREEMENT_TOKENS} tokens; also llama.cpp's warm-up), then one
   * run per level, each capped at {@code capSeconds}.
   */
  Runs run(Path gguf, int[] agreementPrompt, int[] levels, double capSeconds)
      throws IOException, InterruptedException {
    Path driver = driverDir.resolve("driver.mjs");
    if (!Files.isDirectory(driverDir.resolve("node_modules/node-llama-cpp"))) {
      throw new IOException(
          "node-llama-cpp is not installed: run npm ci --prefix "
              + driverDir
              + " (bench-engine.sh"
              + " --llama-cpp does it on first use)");
    }
    ObjectNode job = JSON.createObjectNode();
    job.put("model", gguf.toAbsolutePath().toString());
    job.put("threads", THREADS);
    job.put("capSeconds", capSeconds);
    ArrayNode runs = job.putArray("runs");
    // Agreement with an F32 KV cache, as our engine keeps it: it checks the weights, not the cache.
    // The timed runs keep llama.cpp's default F16 cache, as its users run it.
    addRun(runs, new int[][] {agreementPrompt}, AGREEMENT_TOKENS)
        .put("kvCacheType", "F32")
        .put("capSeconds", AGREEMENT_CAP_SECONDS); // never cut short: it is a correctness check
    for (int c : levels) {
      addRun(runs, EngineBenchmark.prompts(c), EngineBenchmark.OUTPUT);
    }
    ProcessBuilder builder =
        new ProcessBuilder("node", driver.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    // node-llama-cpp 3.21.1 otherwise samples sequences concurrently and mixes up their logits
    builder.environment().put("UV_THREADPOOL_SIZE", "1");
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      JSON.writeValue(in, job);
    }
    byte[] out = process.getInputStream().readAllBytes();
    long budget = (long) (capSeconds * levels.length) + AGREEMENT_CAP_SECONDS + 300;
    if (!process.waitFor(budget, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("llama.cpp driver did not finish in " + budget + " s");
    }
    if (process.exitValue() != 0) {
      throw new IOException("llama.cpp driver failed with exit code " + process.exitValue());
    }
    JsonNode results = JSON.readTree(out).path("runs");
    int[] greedy = tokens(results.get(0).path("requests").get(0).path("tokens"));
    List<Result> perLevel = new ArrayList<>();
    for (int i = 1; i < results.size(); i++) {
      perLevel.add(result("llama.cpp " + precisionOf(gguf), results.get(i)));
    }
    return new Runs(greedy, perLevel);
  }

  private static String precisionOf(Path gguf) {
    String name = gguf.getFileName().toString();
    return name.substring(name.lastIndexOf('-') + 1, name.length() - ".gguf".length());
  }

  private static ObjectNode addRun(ArrayNode runs, int[][] prompts, int outputTokens) {
    ObjectNode run = runs.addObject();
    ArrayNode list = run.putArray("prompts");
    for (int[] prompt : prompts) {
      ArrayNode ids = list.addArray();
      for (int id : prompt) {
        ids.add(id);
      }
    }
    run.put("outputTokens", outputTokens);
    return run;
  }

  /** The driver's per-token times (ms after the run's start) in EngineBenchmark's own terms. */
  private static Result result(String name, JsonNode run) {
    JsonNode requests = run.path("requests");
    int c = requests.size();
    long[] first = new long[c];
    long[] last = new long[c];
    int[] counts = new int[c];
    for (int i = 0; i < c; i++) {
      JsonNode times = requests.get(i).path("tokenMs");
      counts[i] = times.size();
      if (counts[i] > 0) {
        first[i] = (long) (times.get(0).asDouble() * 1e6);
        last[i] = (long) (times.get(counts[i] - 1).asDouble() * 1e6);
      }
    }
    double seconds = run.path("wallMs").asDouble() / 1000;
    return EngineBenchmark.summarize(
        name, c, 0, first, last, counts, seconds, run.path("capped").asBoolean());
  }

  private static int[] tokens(JsonNode ids) {
    int[] tokens = new int[ids.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = ids.get(i).asInt();
    }
    return tokens;
  }
}
