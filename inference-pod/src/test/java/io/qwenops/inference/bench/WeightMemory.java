package io.qwenops.inference.bench;

import io.qwenops.inference.engine.EngineOptions;
import io.qwenops.inference.engine.LoadedModel;
import io.qwenops.inference.engine.QwenEngines;
import io.qwenops.inference.model.CheckpointWriter;
import io.qwenops.inference.model.ModelShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of the engine process with a model loaded and one request decoded, at one weight
 * precision: run once per precision, each in its own JVM (RSS never shrinks back within one).
 * Usage: {@code WeightMemory DIR float32|bfloat16|int8 [0.5b|7b]}; writes the random BF16
 * checkpoint of that shape to DIR first when absent. Prints VmRSS/VmHWM from /proc/self/status.
 */
public final class WeightMemory {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String precision = args[1];
    ModelShape shape = ModelShape.preset(args.length > 2 ? args[2] : "0.5b");
    if (!Files.exists(dir.resolve(".complete"))) {
      System.out.println("Writing the " + shape.name() + "-shaped BF16 checkpoint to " + dir);
      CheckpointWriter.write(dir, CheckpointWriter.Spec.of(shape));
      Files.writeString(dir.resolve(".complete"), "ok");
    }
    EngineOptions options =
        EngineOptions.defaults()
            .withDevice("cpu")
            .withDtype(precision.equals("int8") ? "auto" : precision)
            .withQuantization(precision.equals("int8") ? "int8" : "none")
            .withMaxModelLen(1024)
            .withMaxNumSeqs(16)
            .withKvCacheBytes(256L << 20);
    long start = System.nanoTime();
    try (LoadedModel model = QwenEngines.load(dir, options)) {
      double load = (System.nanoTime() - start) / 1e9;
      EngineBenchmark.Result r = EngineBenchmark.runEngine(precision, model, 1, 600);
      System.out.printf(
          "%s %s: load %.1f s, decode %.2f tok/s (TTFT %.0f ms), %s%n",
          shape.name(), precision, load, 1000 / r.tpotMs(), r.ttftMs(), memory());
    }
  }

  private static String memory() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
    return String.join(
        ", ",
        lines.stream()
            .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
            .map(l -> l.replaceAll("\\s+", " "))
            .toList());
  }
}
