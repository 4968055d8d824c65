package io.qwenops.inference.model.matvec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.qwenops.inference.model.ComputeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CPU decode kernel against PyTorch's matmul, and the row splitter under it. */
class DecodeMatVecTest {

  private static NDManager manager;
  private static DecodeMatVec kernel;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    kernel = DecodeMatVec.forSetup(new ComputeSetup(Device.cpu(), DataType.FLOAT32)).orElseThrow();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  /** Shapes with vector tails (67, 1031 are not multiples of 8 or 16) and 0.5B's widest row. */
  @ParameterizedTest
  @CsvSource({
    "1031, 67, 1",
    "1031, 67, 2",
    "1031, 67, 3",
    "1031, 67, 4",
    "9728, 896, 1",
    "9728, 896, 4",
    "896, 4864, 1",
    "5, 16, 1",
  })
  void matchesPyTorchMatmul(int out, int in, int cols) {
    try (NDManager step = manager.newSubManager()) {
      manager.getEngine().setRandomSeed(out * 31 + in * 7 + cols);
      NDArray w = step.randomNormal(new Shape(out, in));
      NDArray x = step.randomNormal(new Shape(in, cols));
      DecodeMatVec.Matrix m = kernel.wrap(w).orElseThrow();
      float[] got = kernel.multiply(m, x, step).toFloatArray();
      float[] want = w.matMul(x).toFloatArray();
      assertThat(got).hasSize(out * cols);
      for (int i = 0; i < want.length; i++) {
        // F32 sums of ~in products of N(0,1): tolerance scales with sqrt(in).
        assertThat(got[i]).as("element %d", i).isCloseTo(want[i], within(in));
      }
    }
  }

  @Test
  void readsTheWeightInPlace() {
    try (NDManager step = manager.newSubManager()) {
      NDArray w = step.zeros(new Shape(64, 32));
      DecodeMatVec.Matrix m = kernel.wrap(w).orElseThrow();
      w.set(new NDIndex("3, :"), 1f); // changed after wrapping
      float[] y = kernel.multiply(m, step.ones(new Shape(32, 1)), step).toFloatArray();
      assertThat(y[3]).isEqualTo(32f);
      assertThat(y[2]).isZero();
    }
  }

  @Test
  void refusesWeightsItCannotReadInPlaceAndBadInputs() {
    try (NDManager step = manager.newSubManager()) {
      assertThat(kernel.wrap(step.ones(new Shape(8, 16), DataType.FLOAT16))).isEmpty();
      assertThat(kernel.wrap(step.ones(new Shape(16, 8)).transpose())).isEmpty();
      assertThat(kernel.wrap(step.ones(new Shape(2, 8, 16)))).isEmpty();
      DecodeMatVec.Matrix m = kernel.wrap(step.ones(new Shape(8, 16))).orElseThrow();
      assertThatThrownBy(() -> kernel.multiply(m, step.ones(new Shape(15, 1)), step))
          .hasMessageContaining("[16, columns]");
      assertThatThrownBy(() -> kernel.multiply(m, step.ones(new Shape(16, 5)), step))
          .hasMessageContaining("1 to 4 columns");
    }
  }

  @Test
  void saysWhyItCannotServeASetup() {
    ComputeSetup cpu = new ComputeSetup(Device.cpu(), DataType.FLOAT32);
    assertThat(DecodeMatVec.whyUnavailable(cpu, null)).isNull();
    assertThat(DecodeMatVec.whyUnavailable(cpu, "OFF")).isEqualTo("QWENOPS_DECODE_MATVEC=off");
    assertThat(DecodeMatVec.whyUnavailable(new ComputeSetup(Device.gpu(), DataType.FLOAT16), null))
        .contains("runs on gpu");
    assertThat(DecodeMatVec.whyUnavailable(new ComputeSetup(Device.cpu(), DataType.FLOAT16), null))
        .contains("not float32");
  }

  @Test
  void splitterCoversEveryRowOnceForConcurrentCallers() throws Exception {
    RowSplitter splitter = new RowSplitter(3);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<AtomicIntegerArray>> results = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        int rows = 1000 + 37 * c;
        results.add(
            callers.submit(
                () -> {
                  AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                  for (int round = 0; round < 200; round++) {
                    splitter.run(
                        rows,
                        (from, to) -> {
                          for (int r = from; r < to; r++) {
                            seen.incrementAndGet(r);
                          }
                        });
                  }
                  return seen;
                }));
      }
      for (Future<AtomicIntegerArray> result : results) {
        AtomicIntegerArray seen = result.get();
        for (int r = 0; r < seen.length(); r++) {
          assertThat(seen.get(r)).as("row %d", r).isEqualTo(200);
        }
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aFailingRowRangeFailsTheCallAndTheSplitterStillWorks() {
    RowSplitter splitter = new RowSplitter(1);
    assertThatThrownBy(
            () ->
                splitter.run(
                    4096,
                    (from, to) -> {
                      if (to > 4000) {
                        throw new IllegalArgumentException("row range " + from + ".." + to);
                      }
                    }))
        .hasStackTraceContaining("row range");
    AtomicIntegerArray seen = new AtomicIntegerArray(4096);
    splitter.run(
        4096,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            seen.incrementAndGet(r);
          }
        });
    for (int r = 0; r < 4096; r++) {
      assertThat(seen.get(r)).isEqualTo(1);
    }
  }

  private static org.assertj.core.data.Offset<Float> within(int in) {
    return org.assertj.core.data.Offset.offset((float) (1e-5 * Math.sqrt(in) * 10));
  }
}
