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
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
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
    kernel =
        DecodeMatVec.forSetup(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32)).orElseThrow();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  /** Shapes with vector tails (67, 1031 are not multiples of 8 or 16) and 0.5B's widest rows. */
  @ParameterizedTest
  @CsvSource({
    "1031, 67, 1",
    "1031, 67, 2",
    "1031, 67, 3",
    "1031, 67, 4",
    "1031, 67, 5",
    "1031, 67, 8",
    "4096, 896, 6",
    "9728, 896, 1",
    "9728, 896, 4",
    "896, 4864, 1",
    "5, 16, 1",
  })
  void matchesPyTorchMatmulWithBiasAndResidual(int out, int in, int cols) {
    try (NDManager step = manager.newSubManager()) {
      manager.getEngine().setRandomSeed(out * 31 + in * 7 + cols);
      NDArray w = step.randomNormal(new Shape(out, in));
      NDArray x = step.randomNormal(new Shape(cols, in)); // row j = column j
      NDArray bias = step.randomNormal(new Shape(out));
      Matrix m = kernel.wrap(w).orElseThrow();
      float[] columns = Arrays.copyOf(x.toFloatArray(), DecodeMatVec.MAX_COLUMNS * in);
      float[] want =
          w.matMul(x.transpose()).add(bias.reshape(out, 1)).toFloatArray(); // [out, cols]

      float[] got = kernel.multiply(m, columns, cols, bias.toFloatArray());
      assertThat(got).hasSize(out * cols);
      float[] residual = step.randomNormal(new Shape(cols, out)).toFloatArray();
      float[] summed = residual.clone();
      kernel.multiplyAdd(m, columns, cols, summed);
      float[] plain = kernel.multiply(m, columns, cols, null);
      float[] biasValues = bias.toFloatArray();
      for (int j = 0; j < cols; j++) {
        for (int r = 0; r < out; r++) {
          int i = j * out + r;
          // F32 sums of `in` products of N(0,1) values: error grows with sqrt(in).
          assertThat(got[i]).as("column %d row %d", j, r).isCloseTo(want[r * cols + j], within(in));
          assertThat(plain[i] + biasValues[r]).isCloseTo(got[i], within(in));
          assertThat(summed[i]).isCloseTo(residual[i] + plain[i], within(in));
        }
      }
    }
  }

  @Test
  void readsTheWeightInPlace() {
    try (NDManager step = manager.newSubManager()) {
      NDArray w = step.zeros(new Shape(64, 32));
      Matrix m = kernel.wrap(w).orElseThrow();
      w.set(new NDIndex("3, :"), 1f); // changed after wrapping
      float[] ones = new float[32];
      Arrays.fill(ones, 1f);
      float[] y = kernel.multiply(m, ones, 1, null);
      assertThat(y[3]).isEqualTo(32f);
      assertThat(y[2]).isZero();
      float[] row = new float[34];
      m.copyRow(3, row, 2);
      assertThat(row[2]).isEqualTo(1f);
      assertThat(row[33]).isEqualTo(1f);
    }
  }

  @Test
  void refusesTensorsItCannotReadInPlaceAndBadShapes() {
    try (NDManager step = manager.newSubManager()) {
      assertThat(kernel.wrap(step.ones(new Shape(8, 16), DataType.FLOAT16))).isEmpty();
      assertThat(kernel.wrap(step.ones(new Shape(16, 8)).transpose())).isEmpty();
      assertThat(kernel.wrap(step.ones(new Shape(16)))).isEmpty();
      Matrix pool = kernel.wrap(step.ones(new Shape(2, 8, 16))).orElseThrow();
      assertThat(pool.rows()).isEqualTo(16);
      assertThat(pool.cols()).isEqualTo(16);
      Matrix m = kernel.wrap(step.ones(new Shape(8, 16))).orElseThrow();
      assertThatThrownBy(() -> kernel.multiply(m, new float[15], 1, null))
          .hasMessageContaining("[8, 16] matrix");
      assertThatThrownBy(() -> kernel.multiply(m, new float[8 * 16], 9, null))
          .hasMessageContaining("[8, 16] matrix and 9 columns");
      assertThatThrownBy(() -> kernel.multiply(m, new float[8 * 16], 0, null))
          .hasMessageContaining("1 or more columns");
    }
  }

  @Test
  void attentionPiecesMatchPyTorch() {
    try (NDManager step = manager.newSubManager()) {
      manager.getEngine().setRandomSeed(7);
      int n = 67;
      NDArray a = step.randomNormal(new Shape(n));
      NDArray b = step.randomNormal(new Shape(3, n)); // read at an offset, as pool slots are
      MemorySegment pool = kernel.wrap(b).orElseThrow().data();
      float[] q = a.toFloatArray();
      float want = a.dot(b.get(2)).getFloat();
      assertThat(DecodeMatVec.dot(q, 0, pool, 2L * n, n)).isCloseTo(want, within(n));

      float[] out = a.toFloatArray();
      DecodeMatVec.addScaled(0.5f, pool, n, out, 0, n);
      float[] expected = a.add(b.get(1).mul(0.5f)).toFloatArray();
      for (int d = 0; d < n; d++) {
        assertThat(out[d]).isCloseTo(expected[d], within(1));
      }

      float[] scores = step.randomNormal(new Shape(n)).mul(10).toFloatArray();
      float[] softmax = step.create(scores).softmax(0).toFloatArray();
      DecodeMatVec.softmax(scores, n);
      for (int t = 0; t < n; t++) {
        assertThat(scores[t]).isCloseTo(softmax[t], org.assertj.core.data.Offset.offset(1e-6f));
      }

      NDArray gate = step.randomNormal(new Shape(n)).mul(4);
      NDArray up = step.randomNormal(new Shape(n));
      float[] act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up).toFloatArray();
      float[] g = gate.toFloatArray();
      DecodeMatVec.swiGlu(g, 0, up.toFloatArray(), 0, n);
      for (int k = 0; k < n; k++) {
        assertThat(g[k]).isCloseTo(act[k], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void saysWhyItCannotServeASetup() {
    ComputeSetup cpu = ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32);
    assertThat(DecodeMatVec.whyUnavailable(cpu, null)).isNull();
    assertThat(DecodeMatVec.whyUnavailable(cpu, "OFF")).isEqualTo("QWENOPS_DECODE_MATVEC=off");
    assertThat(
            DecodeMatVec.whyUnavailable(ComputeSetup.tensors(Device.gpu(), DataType.FLOAT16), null))
        .contains("runs on gpu");
    assertThat(
            DecodeMatVec.whyUnavailable(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT16), null))
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
