package io.qwenops.exporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The fake libnvidia-ml.so (src/test/c/fake_nvml.c, compiled by the build) copied into a folder of
 * its own with its settings beside it: each copy is a separate library instance, so tests do not
 * share GPU state.
 */
public final class FakeNvml {

  private FakeNvml() {}

  /** Where the build put the compiled fake. */
  public static Path built() {
    String path = System.getProperty("qwenops.fakeNvml");
    if (path == null) {
      throw new IllegalStateException("-Dqwenops.fakeNvml is not set: run through Maven");
    }
    return Path.of(path);
  }

  /**
   * Copies the fake into {@code dir} with the given fake-nvml.conf lines; returns the library path.
   */
  public static Path install(Path dir, String... settings) {
    return install(built(), dir, settings);
  }

  /**
   * The same fake built as an older driver: no _v2/_v3 entry points, only the names before them.
   */
  public static Path installOlderDriver(Path dir, String... settings) {
    return install(built().getParent().resolve("old/libnvidia-ml.so.1"), dir, settings);
  }

  private static Path install(Path source, Path dir, String... settings) {
    try {
      Files.createDirectories(dir);
      Path library = dir.resolve("libnvidia-ml.so.1");
      Files.copy(source, library, StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(dir.resolve("fake-nvml.conf"), String.join("\n", settings) + "\n");
      return library;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
