package io.qwenops.inference.batch;

import java.util.Locale;

/**
 * What a batch run did.
 *
 * @param completed requests that ran to the end in this run
 * @param failed requests the engine failed (their lines have no result; a rerun retries them)
 * @param badLines input lines that could not run (reported with their numbers)
 * @param skipped lines the output already held results for (a resumed run)
 */
public record BatchSummary(
    int completed,
    int failed,
    int badLines,
    int skipped,
    long promptTokens,
    long generatedTokens,
    double seconds) {

  public String text() {
    double s = Math.max(seconds, 1e-9);
    return String.format(
        Locale.ROOT,
        "%d requests in %.1f s (%d bad lines skipped, %d already done, %d failed); prompt %d tokens"
            + " (%.1f tokens/s), generation %d tokens (%.1f tokens/s)",
        completed,
        seconds,
        badLines,
        skipped,
        failed,
        promptTokens,
        promptTokens / s,
        generatedTokens,
        generatedTokens / s);
  }
}
