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
    Exporter exporter;
    try {
      exporter = Exporter.start(options);
    } catch (RuntimeException e) {
      // e.g. the port is taken: say so in one line rather than a stack trace
      System.err.println("gpu-exporter: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
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
