package io.qwenops.inference.model.matvec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major weight [rows, cols] in native memory as the kernels read it: F32 (a PyTorch tensor's
 * own memory), BF16 (the checkpoint's 16-bit values, widened in registers) or Q8 (int8 values with
 * one F32 scale per {@link #Q8_GROUP} consecutive entries of a row, llama.cpp's Q8_0 layout with an
 * F32 instead of an F16 scale).
 *
 * @param scales Q8 only: {@code rows · cols / 32} F32 scales, row by row; otherwise {@code null}
 */
public record Matrix(
    Encoding encoding, MemorySegment data, MemorySegment scales, int rows, int cols) {

  /** How the entries are stored. */
  public enum Encoding {
    F32(4),
    BF16(2),
    Q8(1);

    private final int bytes;

    Encoding(int bytes) {
      this.bytes = bytes;
    }

    /** Bytes of one entry (Q8: without its share of the scale). */
    public int bytes() {
      return bytes;
    }
  }

  /** Entries that share one Q8 scale. */
  public static final int Q8_GROUP = 32;

  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** An F32 matrix over memory someone else owns. */
  public static Matrix f32(MemorySegment data, int rows, int cols) {
    return new Matrix(Encoding.F32, data, null, rows, cols);
  }

  /** Zeroed memory for a BF16 or Q8 matrix in {@code arena}, filled with {@link #setRow}. */
  public static Matrix allocate(Encoding encoding, int rows, int cols, Arena arena) {
    if (encoding == Encoding.Q8 && cols % Q8_GROUP != 0) {
      throw new IllegalArgumentException(
          "int8 weights need rows of a multiple of " + Q8_GROUP + " entries, not " + cols);
    }
    long entries = (long) rows * cols;
    MemorySegment data = arena.allocate(entries * encoding.bytes(), 64);
    MemorySegment scales =
        encoding == Encoding.Q8 ? arena.allocate(entries / Q8_GROUP * Float.BYTES, 64) : null;
    return new Matrix(encoding, data, scales, rows, cols);
  }

  /** Bytes a full pass over the matrix reads (data and scales). */
  public long bytes() {
    return data.byteSize() + (scales == null ? 0 : scales.byteSize());
  }

  /** Copies row {@code r}, widened/dequantised to F32, into {@code out} from {@code offset}. */
  public void copyRow(int r, float[] out, int offset) {
    long base = (long) r * cols;
    switch (encoding) {
      case F32 -> MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, base * 4, out, offset, cols);
      case BF16 -> {
        for (int k = 0; k < cols; k++) {
          out[offset + k] = bf16ToFloat(data.get(SHORT, (base + k) * 2));
        }
      }
      case Q8 -> {
        for (int k = 0; k < cols; k++) {
          float scale = scales.get(FLOAT, (base + k) / Q8_GROUP * 4);
          out[offset + k] = data.get(ValueLayout.JAVA_BYTE, base + k) * scale;
        }
      }
    }
  }

  /** Stores {@code values[offset .. offset + cols)} as row {@code r}: rounded or quantised. */
  public void setRow(int r, float[] values, int offset) {
    long base = (long) r * cols;
    switch (encoding) {
      case F32 -> MemorySegment.copy(values, offset, data, ValueLayout.JAVA_FLOAT, base * 4, cols);
      case BF16 -> {
        for (int k = 0; k < cols; k++) {
          data.set(SHORT, (base + k) * 2, floatToBf16(values[offset + k]));
        }
      }
      case Q8 -> {
        for (int g = 0; g < cols; g += Q8_GROUP) {
          float max = 0;
          for (int k = g; k < g + Q8_GROUP; k++) {
            max = Math.max(max, Math.abs(values[offset + k]));
          }
          float scale = max / 127f;
          float inverse = scale == 0 ? 0 : 1f / scale;
          scales.set(FLOAT, (base + g) / Q8_GROUP * 4, scale);
          for (int k = g; k < g + Q8_GROUP; k++) {
            int q = Math.round(values[offset + k] * inverse);
            data.set(ValueLayout.JAVA_BYTE, base + k, (byte) Math.max(-127, Math.min(127, q)));
          }
        }
      }
    }
  }

  /** bf16 → f32 is exact: the bf16 bits are the top half of the f32's. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** f32 → bf16 rounded to nearest, ties to even (as PyTorch's {@code .to(torch.bfloat16)}). */
  public static short floatToBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }
}
