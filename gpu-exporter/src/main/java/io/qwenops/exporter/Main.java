package io.qwenops.exporter;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar gpu-exporter.jar [--help] [options]}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (ExporterOptions.wantsHelp(args)) {
      System.out.print(ExporterOptions.help());
      return;
    }
    ExporterOptions options;
    try {
      options = ExporterOptions.parse(args, System.getenv());
    } catch (OptionsException e) {
      System.err.println("gpu-exporter: " + e.getMessage());
      System.exit(2);
      return;
    }
    Exporter exporter = Exporter.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  exporter.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
