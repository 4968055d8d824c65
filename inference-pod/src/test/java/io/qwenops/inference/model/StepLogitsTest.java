package io.qwenops.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StepLogitsTest {

  private static final int VOCAB = 1000;

  /** Rows with ties, NaNs, infinities and signed zeros: where argmax conventions differ. */
  private static float[] awkwardRows() {
    float[][] rows = new float[8][VOCAB];
    SplittableRandom random = new SplittableRandom(3);
    for (float[] row : rows) {
      for (int i = 0; i < VOCAB; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    rows[0][10] = 9f; // a tie: the first wins
    rows[0][900] = 9f;
    rows[1][500] = Float.NaN; // a NaN counts as the largest
    rows[1][700] = Float.NaN;
    rows[1][3] = Float.POSITIVE_INFINITY;
    Arrays.fill(rows[2], Float.NEGATIVE_INFINITY); // nothing allowed: index 0
    Arrays.fill(rows[3], 0f); // zeros of both signs are equal
    rows[3][0] = -0f;
    rows[4][VOCAB - 1] = 100f; // the last index
    rows[5][0] = 100f; // the first index
    rows[6][VOCAB - 1] = Float.NaN;
    float[] all = new float[rows.length * VOCAB];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, all, r * VOCAB, VOCAB);
    }
    return all;
  }

  @Test
  void greedyTokensFromTheJavaArrayAreThoseOfPyTorchsArgmax() {
    float[] values = awkwardRows();
    int rows = values.length / VOCAB;
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      long[] torch = m.create(values, new Shape(rows, VOCAB)).argMax(1).toLongArray();
      int[] java = StepLogits.of(values, rows, VOCAB).argmax();
      assertArrayEquals(Arrays.stream(torch).mapToInt(id -> (int) id).toArray(), java);
      assertEquals(10, java[0]);
      assertEquals(500, java[1]);
      assertEquals(0, java[2]);
    }
  }

  @Test
  void selectedRowsAndTheTensorCopyHoldTheSameLogitsOnBothSides() {
    float[] values = awkwardRows();
    int rows = values.length / VOCAB;
    int[] picked = {4, 0, 4};
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      StepLogits host = StepLogits.of(values, rows, VOCAB);
      StepLogits tensor = StepLogits.of(m.create(values, new Shape(rows, VOCAB)));
      StepLogits a = host.select(picked, m);
      StepLogits b = tensor.select(picked, m);
      assertEquals(3, a.rows());
      assertArrayEquals(b.values(), a.values());
      assertArrayEquals(b.argmax(), a.argmax());
      assertArrayEquals(values, host.tensor(m).toFloatArray());
      // A step whose rows all wait for more prompt has no logits: still a [0, vocab] tensor.
      assertEquals(new Shape(0, VOCAB), StepLogits.of(new float[0], 0, VOCAB).tensor(m).getShape());
      assertArrayEquals(
          Arrays.copyOfRange(values, 4 * VOCAB, 5 * VOCAB), Arrays.copyOf(a.values(), VOCAB));
    }
  }
}
