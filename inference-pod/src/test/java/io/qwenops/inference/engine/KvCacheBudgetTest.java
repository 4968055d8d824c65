package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.model.ModelConfig;
import org.junit.jupiter.api.Test;

class KvCacheBudgetTest {

  private static final long GIB = 1L << 30;

  /** Qwen2.5-0.5B's config.json numbers. */
  private static final ModelConfig QWEN_05B =
      new ModelConfig(896, 4864, 24, 14, 2, 151936, 32768, 1e6, 1e-6, true, "bfloat16");

  @Test
  void onAGpuThePoolIsTheUtilizationShareLessWhatIsInUseAndTheForwardPassReserve() {
    long reserve = KvCacheBudget.activationReserve(QWEN_05B, 512, 64);
    KvCacheBudget b = KvCacheBudget.gpu(140 * GIB, 2 * GIB, 0.9, reserve);

    assertThat(b.bytes()).isEqualTo((long) (140 * GIB * 0.9) - 2 * GIB - reserve);
    assertThat(b.source())
        .isEqualTo(
            "0.90 (--gpu-memory-utilization) × 140.00 GiB total − 2.00 GiB in use − 0.11 GiB"
                + " forward-pass reserve");
  }

  @Test
  void aFullDeviceLeavesNoPoolRatherThanANegativeOne() {
    assertThat(KvCacheBudget.gpu(80 * GIB, 79 * GIB, 0.9, GIB).bytes()).isZero();
  }

  @Test
  void theReserveGrowsWithTheBatchedTokensAndTheSequencesWhoseLogitsAreKept() {
    long base = KvCacheBudget.activationReserve(QWEN_05B, 512, 64);
    // per batched token: 4 × hidden + K and V + 3 × intermediate floats; per sequence: two vocab
    // rows
    assertThat(KvCacheBudget.activationReserve(QWEN_05B, 513, 64) - base)
        .isEqualTo(4L * (4 * 896 + 2 * 2 * 64 + 3 * 4864));
    assertThat(KvCacheBudget.activationReserve(QWEN_05B, 512, 65) - base)
        .isEqualTo(4L * 2 * 151936);
  }

  @Test
  void onTheCpuAQuarterOfAvailableMemoryAtMostTwoGib() {
    assertThat(KvCacheBudget.cpu(new HostMemory(4 * GIB, "MemAvailable")).bytes()).isEqualTo(GIB);
    assertThat(KvCacheBudget.cpu(new HostMemory(64 * GIB, "MemAvailable")).bytes())
        .isEqualTo(2 * GIB);
    assertThat(KvCacheBudget.cpu(new HostMemory(0, "unknown")).source())
        .contains("available memory unknown");
  }

  @Test
  void theCpuBudgetSaysWhereTheAvailableFigureCameFrom() {
    HostMemory m = HostMemory.of("MemFree: 1048576 kB\nMemAvailable: 8388608 kB\n", null);

    assertThat(KvCacheBudget.cpu(m).source())
        .isEqualTo(
            "CPU: min(2.00 GiB, available RAM 8.00 GiB / 4); available = MemAvailable 8.00 GiB"
                + " (/proc/meminfo)");
  }

  @Test
  void theStartupLineSaysHowManyBlocksAndTokensFitAndWhy() {
    KvCacheBudget b = KvCacheBudget.explicit(GIB);
    long perToken = 2L * 24 * 2 * 64 * 2; // K and V, 24 layers, 2 KV heads of 64, F16

    assertThat(b.describe(5461, 16, perToken))
        .isEqualTo(
            "KV cache: 5461 blocks of 16 tokens = 87376 tokens (1.00 GiB, 12288 bytes per token);"
                + " budget 1.00 GiB = --kv-cache-memory 1.00 GiB");
  }
}
