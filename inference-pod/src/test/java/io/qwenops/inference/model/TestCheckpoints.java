package io.qwenops.inference.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Random-weight checkpoints shared by the tests, written once into target/ (each spec gets its own
 * directory, completed by a marker file so a killed run never leaves a half-written one in use).
 */
public final class TestCheckpoints {

  private static final Path ROOT = Path.of("target", "test-checkpoints");

  private TestCheckpoints() {}

  public static Path tiny() {
    return get(CheckpointWriter.Spec.of(ModelShape.TINY));
  }

  public static synchronized Path get(CheckpointWriter.Spec spec) {
    String name =
        spec.shape().name()
            + "-L"
            + spec.shape().numHiddenLayers()
            + (spec.shape().tieWordEmbeddings() ? "-tied" : "-untied")
            + "-"
            + spec.dtype()
            + "-s"
            + spec.shards()
            + "-seed"
            + spec.seed();
    Path dir = ROOT.resolve(name);
    Path done = dir.resolve(".complete");
    try {
      if (!Files.exists(done)) {
        CheckpointWriter.write(dir, spec);
        Files.writeString(done, "ok");
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
