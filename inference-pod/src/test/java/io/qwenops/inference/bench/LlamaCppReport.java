package io.qwenops.inference.bench;

import io.qwenops.inference.bench.EngineBenchmark.Result;
import java.util.List;
import java.util.Locale;

/**
 * Our engine against llama.cpp at one weight precision, from the same run: the table, the greedy
 * agreement, c=1 decode against the bandwidth roofline, and issue 18's targets as met or not.
 */
record LlamaCppReport(
    String precision,
    List<Result> ours,
    List<Result> llama,
    int[] ourGreedy,
    int[] llamaGreedy,
    long weightsPerToken) {

  /** Bytes read per weight: F32 4, BF16 2, int8 1 plus a 4-byte scale per 32 weights. */
  double bytesPerWeight() {
    return switch (precision) {
      case "float32" -> 4;
      case "bfloat16" -> 2;
      case "int8" -> 1.125;
      default -> throw new IllegalArgumentException("unknown precision " + precision);
    };
  }

  /** Leading greedy tokens on which the two agree (after the first difference, contexts differ). */
  int agreement() {
    int n = Math.min(ourGreedy.length, llamaGreedy.length);
    int k = 0;
    while (k < n && ourGreedy[k] == llamaGreedy[k]) {
      k++;
    }
    return k;
  }

  void print(double bandwidth) {
    String theirs = llama.isEmpty() ? "llama.cpp" : llama.get(0).system();
    System.out.printf(
        Locale.ROOT,
        "%n### %s (ours) vs %s: greedy agreement %d/%d%n",
        precision,
        theirs,
        agreement(),
        LlamaCppRunner.AGREEMENT_TOKENS);
    if (ourGreedy.length != llamaGreedy.length) {
      System.out.printf(
          "greedy lengths differ: ours %d tokens, llama.cpp %d%n",
          ourGreedy.length, llamaGreedy.length);
    }
    if (agreement() < Math.min(ourGreedy.length, llamaGreedy.length)) {
      System.out.printf(
          "first difference at token %d: ours %d, llama.cpp %d%n",
          agreement(), ourGreedy[agreement()], llamaGreedy[agreement()]);
    }
    System.out.println();
    System.out.println(
        "| c | aggregate tok/s ours | llama.cpp | ours ÷ llama.cpp | decode tok/s ours | llama.cpp"
            + " | ÷ | mean TTFT ms ours | llama.cpp | ÷ | TPOT p99 ms ours | llama.cpp | done ours,"
            + " llama.cpp |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result o : ours) {
      Result l = at(llama, o.concurrency());
      if (l == null) {
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "| %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %s, %s |%n",
          o.concurrency(),
          o.tokensPerSecond(),
          l.tokensPerSecond(),
          o.tokensPerSecond() / l.tokensPerSecond(),
          1000 / o.tpotMs(),
          1000 / l.tpotMs(),
          l.tpotMs() / o.tpotMs(),
          o.ttftMs(),
          l.ttftMs(),
          o.ttftMs() / l.ttftMs(),
          o.tpotP99Ms(),
          l.tpotP99Ms(),
          done(o),
          done(l));
    }
    double roofline = bandwidth / (weightsPerToken * bytesPerWeight());
    System.out.printf(
        Locale.ROOT,
        "%nRoofline at %s: %.1f GB/s ÷ %.3f GB per token = %.1f tok/s%n",
        precision,
        bandwidth / 1e9,
        weightsPerToken * bytesPerWeight() / 1e9,
        roofline);
    Result ours1 = at(ours, 1);
    Result llama1 = at(llama, 1);
    if (ours1 != null && llama1 != null) {
      System.out.printf(
          Locale.ROOT,
          "c=1 decode: ours %.0f%% of roofline, llama.cpp %.0f%%%n",
          100 * 1000 / ours1.tpotMs() / roofline,
          100 * 1000 / llama1.tpotMs() / roofline);
      target(
          "c=1 decode ≥ llama.cpp",
          1000 / ours1.tpotMs() >= 1000 / llama1.tpotMs(),
          ratio(llama1.tpotMs() / ours1.tpotMs()));
    }
    for (int c : new int[] {4, 16, 64}) {
      Result o = at(ours, c);
      Result l = at(llama, c);
      if (o != null && l != null) {
        double r = o.tokensPerSecond() / l.tokensPerSecond();
        target("c=" + c + " aggregate ≥ 1.5× llama.cpp", r >= 1.5, ratio(r));
      }
    }
    Result o16 = at(ours, 16);
    Result l16 = at(llama, 16);
    if (o16 != null && l16 != null) {
      double r = o16.ttftMs() / l16.ttftMs();
      target("c=16 mean TTFT ≤ ½ llama.cpp's", r <= 0.5, ratio(r));
    }
  }

  private static void target(String what, boolean met, String measured) {
    System.out.printf("Target %s: %s (%s)%n", what, met ? "met" : "not met", measured);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  private static String done(Result r) {
    return r.requestsDone()
        + "/"
        + r.concurrency()
        + (r.capped() ? String.format(Locale.ROOT, " capped at %.0f s", r.seconds()) : "");
  }

  private static Result at(List<Result> results, int c) {
    return results.stream().filter(r -> r.concurrency() == c).findFirst().orElse(null);
  }
}
