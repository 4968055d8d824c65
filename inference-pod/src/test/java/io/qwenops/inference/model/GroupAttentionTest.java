package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GroupAttention gives the per-slot loop's bits: same score roundings, same order over slots. */
class GroupAttentionTest {

  private static final int[] HEAD_DIMS = {8, 12, 16, 40, 64, 80, 100, 128};

  @Test
  void sameBitsAsThePerSlotLoopOverRandomShapesLengthsAndSlotOrders() {
    SplittableRandom random = new SplittableRandom(18);
    for (int shape = 0; shape < 40; shape++) {
      int headDim = shape < 8 ? HEAD_DIMS[shape] : HEAD_DIMS[random.nextInt(HEAD_DIMS.length)];
      int repeats = 1 + random.nextInt(8);
      int kvHeads = 1 + random.nextInt(3);
      int poolSlots = 600 + random.nextInt(400);
      int[] lengths = {
        1 + random.nextInt(600), 1 + random.nextInt(600), 1 + random.nextInt(40), 600, 1
      };
      compare(random, headDim, repeats, kvHeads, poolSlots, lengths);
    }
  }

  @Test
  void blockEdgesOnTheShapesOfQwen05b() {
    int l = GroupAttention.LANES;
    compare(
        new SplittableRandom(5),
        64,
        7,
        2,
        800,
        new int[] {1, l - 1, l, l + 1, 63, 64, 65, 127, 128, 129, 600, 2, 300});
  }

  /** One instance and one oracle over all {@code lengths} in turn: buffers are reused. */
  private static void compare(
      SplittableRandom random,
      int headDim,
      int repeats,
      int kvHeads,
      int poolSlots,
      int[] lengths) {
    float scale = (float) (1.0 / Math.sqrt(headDim));
    GroupAttention fast = new GroupAttention(repeats, headDim, scale);
    PerSlotAttention oracle = new PerSlotAttention(repeats, headDim, scale);
    try (Arena arena = Arena.ofConfined()) {
      long floats = (long) kvHeads * poolSlots * headDim;
      MemorySegment keys = arena.allocate(floats * Float.BYTES, 64);
      MemorySegment values = arena.allocate(floats * Float.BYTES, 64);
      float magnitude = 0.5f + random.nextInt(8); // larger scores: a peaked softmax
      for (long i = 0; i < floats; i++) {
        keys.setAtIndex(ValueLayout.JAVA_FLOAT, i, value(random, magnitude));
        values.setAtIndex(ValueLayout.JAVA_FLOAT, i, value(random, 1));
      }
      for (int length : lengths) {
        long[] context = context(random, poolSlots, length);
        int j = random.nextInt(kvHeads);
        int width = repeats * headDim;
        float[] q = new float[3 + width + 5];
        for (int i = 0; i < q.length; i++) {
          q[i] = value(random, 1);
        }
        float[] expected = new float[2 + width + 7];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = random.nextInt(4) == 0 ? value(random, 1) : 0; // out is added to
        }
        float[] actual = expected.clone();
        long base = (long) j * poolSlots;
        oracle.attend(keys, values, base, q, 3, context, length, expected, 2);
        fast.attend(keys, values, base, q, 3, context, length, actual, 2);
        assertThat(bits(actual))
            .as("headDim %d, %d heads, length %d", headDim, repeats, length)
            .isEqualTo(bits(expected));
      }
    }
  }

  /** {@code length} distinct pool slots in a shuffled order, as a context after block reuse. */
  private static long[] context(SplittableRandom random, int poolSlots, int length) {
    long[] slots = new long[poolSlots];
    for (int i = 0; i < poolSlots; i++) {
      slots[i] = i;
    }
    for (int i = poolSlots - 1; i > 0; i--) {
      int k = random.nextInt(i + 1);
      long t = slots[i];
      slots[i] = slots[k];
      slots[k] = t;
    }
    long[] context = new long[length + 3]; // longer than length: the rest is not read
    System.arraycopy(slots, 0, context, 0, Math.min(poolSlots, context.length));
    return context;
  }

  private static float value(SplittableRandom random, float magnitude) {
    return switch (random.nextInt(50)) {
      case 0 -> 0f;
      case 1 -> -0f;
      default -> (float) (random.nextGaussian() * magnitude);
    };
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
