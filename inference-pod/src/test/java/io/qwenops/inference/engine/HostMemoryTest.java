package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostMemoryTest {

  private static final long GIB = 1L << 30;

  /** Just after a 4 GiB checkpoint was written: the page cache holds it, MemFree is small. */
  private static final String AFTER_A_CHECKPOINT_WRITE =
      """
      MemTotal:       24683792 kB
      MemFree:          544288 kB
      MemAvailable:   20971520 kB
      Buffers:           23412 kB
      Cached:         19380520 kB
      SwapCached:            0 kB
      """;

  @Test
  void memAvailableNotMemFreeWhenThePageCacheHoldsMostOfRam() {
    HostMemory m = HostMemory.of(AFTER_A_CHECKPOINT_WRITE, null);

    assertThat(m.bytes()).isEqualTo(20 * GIB);
    assertThat(m.source()).isEqualTo("MemAvailable 20.00 GiB (/proc/meminfo)");
  }

  @Test
  void withoutMemAvailableFreePlusBuffersPlusCached() {
    String old =
        "MemTotal: 8388608 kB\nMemFree: 1048576 kB\nBuffers: 524288 kB\nCached: 2621440 kB\n";

    HostMemory m = HostMemory.of(old, null);

    assertThat(m.bytes()).isEqualTo(4 * GIB);
    assertThat(m.source())
        .contains("MemFree + Buffers + Cached 4.00 GiB")
        .contains("no MemAvailable");
  }

  @Test
  void neitherFieldMeansUnknownRatherThanZeroFree() {
    HostMemory m = HostMemory.of("MemTotal: 8388608 kB\n", null);

    assertThat(m.bytes()).isZero();
    assertThat(m.source()).contains("unknown");
    assertThat(KvCacheBudget.cpu(m).bytes()).isEqualTo(KvCacheBudget.CPU_DEFAULT_BYTES / 4);
  }

  @Test
  void aCgroupLimitBelowTheHostsAvailableCapsItWithoutCountingInactiveFileCache() {
    var cgroup = new HostMemory.Cgroup(8 * GIB, 7 * GIB, 5 * GIB);

    HostMemory m = HostMemory.of(AFTER_A_CHECKPOINT_WRITE, cgroup);

    assertThat(m.bytes()).isEqualTo(6 * GIB); // 8 − (7 − 5)
    assertThat(m.source())
        .startsWith("cgroup limit 8.00 GiB − 2.00 GiB in use")
        .endsWith("host MemAvailable 20.00 GiB (/proc/meminfo)");
  }

  @Test
  void anUnlimitedOrRoomierCgroupLeavesTheHostFigure() {
    var unlimited = new HostMemory.Cgroup(9223372036854771712L, 2 * GIB, 0);
    var roomy = new HostMemory.Cgroup(64 * GIB, 2 * GIB, 0);

    assertThat(HostMemory.of(AFTER_A_CHECKPOINT_WRITE, unlimited).bytes()).isEqualTo(20 * GIB);
    assertThat(HostMemory.of(AFTER_A_CHECKPOINT_WRITE, roomy).bytes()).isEqualTo(20 * GIB);
  }

  @Test
  void fieldsAreReadByExactNameAndKibibytes() {
    String text = "MemAvailableX: 1 kB\nMemAvailable:   3 kB\nHugepagesize: 2048 kB\n";

    assertThat(HostMemory.field(text, "MemAvailable")).hasValue(3 * 1024);
    assertThat(HostMemory.field(text, "Missing")).isEmpty();
  }

  @Test
  void thisMachineReportsSomethingWithASource() {
    HostMemory m = HostMemory.read();

    assertThat(m.bytes()).isPositive();
    assertThat(m.source()).isNotBlank();
  }
}
