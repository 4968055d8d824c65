package io.qwenops.inference.batch;

/** An input line that cannot run, and why; reported and skipped, never fatal to the batch. */
class BadLine extends Exception {

  final int line;

  BadLine(int line, String reason) {
    super("line " + line + ": " + reason);
    this.line = line;
  }
}
