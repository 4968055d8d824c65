package io.qwenops.inference.model.matvec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.WeightFormat;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * Matrix-vector products for decode batches of one to {@link #MAX_COLUMNS} rows when the model runs
 * on CPU in F32. PyTorch's BLAS streams a weight at 15–19 GB/s on one core for so few columns; this
 * kernel reads the weight in place (the tensor's own memory, no copy) with the Vector API on every
 * core and streams 45–50 GB/s on the benchmark box (docs/benchmarks.md). Up to four columns share
 * each weight load; five or more take {@link WideKernel} (four rows × four columns per tile, read
 * in place, the same bits per column). The model sends F32 steps of up to {@link
 * #MAX_F32_STEP_ROWS} rows here and wider ones, compute-bound, to BLAS. BF16 and Q8 weights ({@link
 * Matrix}) have no tensor for BLAS: they take {@link NativeKernels} at every width where the CPU
 * has AVX512-BF16 (bf16 activations, as llama.cpp's BF16), and otherwise {@link PackedKernels},
 * with {@link WideKernel} for wide products ({@link #takesWide}).
 *
 * <p>Activations are Java arrays of columns: column j of an array with columns of n entries starts
 * at j·n, and F32 inputs of up to {@link #MAX_COLUMNS} columns hold {@link #MAX_COLUMNS} (unused
 * ones zero).
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector}; without it, or with {@code
 * QWENOPS_DECODE_MATVEC=off}, {@link #forSetup} says why and the model keeps PyTorch's matmul.
 */
public final class DecodeMatVec {

  /**
   * Widest narrow decode step, where BLAS's GEMM is weakest: F32 inputs of up to this many columns
   * hold this many (the narrow kernels read four at a time). F32 products of five or more columns
   * run on {@link WideKernel}.
   */
  public static final int MAX_COLUMNS = 8;

  /**
   * Widest F32 step that takes the Java path ({@code CpuDecodeForward}): up to here {@link
   * WideKernel} reading the tensor in place keeps up with PyTorch's BLAS, beyond it BLAS is faster
   * (docs/benchmarks.md, "Wide steps: F32 on WideKernel").
   */
  public static final int MAX_F32_STEP_ROWS = 32;

  /** Columns one pass of the kernel computes together. */
  private static final int GROUP = 4;

  /**
   * Whether a product of {@code cols} columns takes {@link WideKernel} rather than passes of four
   * columns over cached row blocks (the same bits either way). F32 from two column groups (the 4 ×
   * 4 tiles ran 1.1–1.5× two passes); Q8 from 16 (`--wide-from-probe`: the two-row Q8 kernel ran
   * 1.03–1.47× the tiles at 5–8 columns, level at 16, 0.84–0.93× at 64); BF16 from 16. The probe
   * had the two-row BF16 kernel's passes ahead at 16–512 columns, but in the engine benchmark at
   * c=64 the tiles were 1.26× faster (docs/benchmarks.md, "Where the wide path starts").
   */
  static boolean takesWide(Matrix.Encoding encoding, int cols) {
    return switch (encoding) {
      case F32 -> cols > PackedKernels.COLUMNS;
      case Q8, BF16 -> cols >= 16;
    };
  }

  /** Rows per cache block when several BF16/Q8 passes read the same rows: 128 KB. */
  private static final int BLOCK_BYTES = 128 << 10;

  static final String SWITCH = "QWENOPS_DECODE_MATVEC";

  /** {@code off} keeps BF16/Q8 products on the Vector API kernels where the native ones run. */
  static final String NATIVE_SWITCH = "QWENOPS_NATIVE_KERNELS";

  private static final String MODULE = "jdk.incubator.vector";
  private static final Logger LOG = Logger.getLogger(DecodeMatVec.class.getName());

  private final RowSplitter splitter;
  private final NativeKernels nativeKernels; // null: BF16/Q8 on the Vector API kernels
  private final int torchThreads = JniUtils.getNumThreads();

  /** BF16/Q8 products on the Vector API kernels. */
  DecodeMatVec(RowSplitter splitter) {
    this(splitter, null);
  }

  DecodeMatVec(RowSplitter splitter, NativeKernels nativeKernels) {
    this.splitter = splitter;
    this.nativeKernels = nativeKernels;
  }

  /**
   * The kernel for a model on {@code setup}, or empty (and a log line why) when it cannot run;
   * BF16/Q8 products take {@link NativeKernels} where this CPU has them, unless {@code
   * QWENOPS_NATIVE_KERNELS=off}.
   */
  public static Optional<DecodeMatVec> forSetup(ComputeSetup setup) {
    return forSetup(setup, true);
  }

  /** As {@link #forSetup(ComputeSetup)}; {@code allowNative} false keeps BF16/Q8 in Java. */
  public static Optional<DecodeMatVec> forSetup(ComputeSetup setup, boolean allowNative) {
    String reason = whyUnavailable(setup, System.getenv(SWITCH));
    if (reason != null) {
      LOG.info("Decode steps use PyTorch's matmul: " + reason);
      return Optional.empty();
    }
    RowSplitter shared = RowSplitter.shared();
    LOG.info(
        "Decode steps of up to "
            + MAX_F32_STEP_ROWS
            + " rows use the Vector API kernel ("
            + MatVecKernels.lanes()
            + " lanes, "
            + shared.parallelism()
            + " threads)");
    NativeKernels nativeKernels = null;
    if (setup.format() != WeightFormat.TENSORS) {
      String why = allowNative ? whyNotNative(System.getenv(NATIVE_SWITCH)) : "asked for";
      if (why == null) {
        nativeKernels = NativeKernels.availability().kernels();
        LOG.info(
            setup.format() + " products use the native AVX512-BF16 kernels (bf16 activations)");
      } else {
        LOG.info(setup.format() + " products use the Vector API kernels: " + why);
      }
    }
    return Optional.of(new DecodeMatVec(shared, nativeKernels));
  }

  /**
   * Null when BF16/Q8 products can take {@link NativeKernels}; otherwise what stands in the way.
   */
  public static String whyNotNative(String switchValue) {
    if ("off".equalsIgnoreCase(switchValue)) {
      return NATIVE_SWITCH + "=off";
    }
    return NativeKernels.availability().whyNot();
  }

  /** Whether BF16/Q8 products take the native kernels (bf16 activations). */
  public boolean usesNativeKernels() {
    return nativeKernels != null;
  }

  /** Null when the kernel can serve {@code setup}; otherwise what stands in the way. */
  static String whyUnavailable(ComputeSetup setup, String switchValue) {
    if (!Device.Type.CPU.equals(setup.device().getDeviceType())) {
      return "the model runs on " + setup.device();
    }
    if (setup.weightType() != DataType.FLOAT32) {
      return "the weights are " + setup.weightType() + ", not float32";
    }
    if ("off".equalsIgnoreCase(switchValue)) {
      return SWITCH + "=off";
    }
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return "start the JVM with --add-modules " + MODULE + " for the faster decode kernel";
    }
    return null;
  }

  /**
   * Call before each forward pass with the path it takes. A pass in Java runs PyTorch's few
   * remaining ops on one thread: its OpenMP workers would otherwise spin on the cores the kernel's
   * helpers need (a batch-1 step took 115 ms instead of 79). A PyTorch pass gets PyTorch's threads
   * back for BLAS.
   */
  public void beforeForward(boolean javaPath) {
    int wanted = javaPath ? 1 : torchThreads;
    if (JniUtils.getNumThreads() != wanted) {
      JniUtils.setNumThreads(wanted);
    }
  }

  /**
   * The tensor as a {@link Matrix}, or empty when the kernel cannot read it in place: not a 2-D (or
   * 3-D, read as [d0·d1, d2]) F32 CPU tensor, or not contiguous (PyTorch would hand out a temporary
   * copy, seen as a different address on each call).
   */
  public Optional<Matrix> wrap(NDArray tensor) {
    Shape shape = tensor.getShape();
    if (shape.dimension() < 2
        || shape.dimension() > 3
        || tensor.getDataType() != DataType.FLOAT32
        || !Device.Type.CPU.equals(tensor.getDevice().getDeviceType())) {
      return Optional.empty();
    }
    int cols = (int) shape.get(shape.dimension() - 1);
    long rows = tensor.size() / cols;
    long bytes = tensor.size() * Float.BYTES;
    if (rows > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    MemorySegment data;
    if (bytes <= Integer.MAX_VALUE) {
      data = MemorySegment.ofBuffer(tensor.toByteBuffer(true));
      if (MemorySegment.ofBuffer(tensor.toByteBuffer(true)).address() != data.address()) {
        return Optional.empty();
      }
    } else {
      // Beyond one ByteBuffer (7B's lm_head in F32): find the memory through its first and last
      // rows, which PyTorch hands out as views, and check they lie where a contiguous tensor's do.
      NDArray flat = tensor.reshape(rows, cols);
      long first = MemorySegment.ofBuffer(flat.get(0).toByteBuffer(true)).address();
      long last = MemorySegment.ofBuffer(flat.get(rows - 1).toByteBuffer(true)).address();
      if (last != first + (rows - 1) * cols * Float.BYTES) {
        return Optional.empty();
      }
      data = MemorySegment.ofAddress(first).reinterpret(bytes);
    }
    return Optional.of(Matrix.f32(data, (int) rows, cols));
  }

  /** {@code W · x[j] (+ bias)} for columns j < cols: a new array of cols columns of w.rows. */
  public float[] multiply(Matrix w, float[] x, int cols, float[] bias) {
    float[] y = new float[cols * w.rows()];
    if (bias != null) {
      for (int j = 0; j < cols; j++) {
        System.arraycopy(bias, 0, y, j * w.rows(), w.rows());
      }
    }
    run(w, x, cols, y, bias != null);
    return y;
  }

  /** {@code y[j] += W · x[j]} for columns j < cols: a projection added to the residual stream. */
  public void multiplyAdd(Matrix w, float[] x, int cols, float[] y) {
    run(w, x, cols, y, true);
  }

  private void run(Matrix w, float[] x, int cols, float[] y, boolean add) {
    if (w.encoding() != Matrix.Encoding.F32) {
      runPacked(w, x, cols, y, add);
      return;
    }
    int in = w.cols();
    int out = w.rows();
    if (takesWide(Matrix.Encoding.F32, cols)) {
      if (x.length < cols * in || y.length < cols * out) {
        throw arraysDoNotFit(x, y, out, in, cols);
      }
      float[] xp = PackedKernels.prepare(w, x, cols);
      splitter.run(out, (from, to) -> WideKernel.rows(w, xp, cols, y, out, add, from, to));
      return;
    }
    if (cols < 1) {
      throw new IllegalArgumentException("The decode kernel takes 1 or more columns, got " + cols);
    }
    if (x.length < (cols == 1 ? in : GROUP * in) || y.length < cols * out) {
      throw arraysDoNotFit(x, y, out, in, cols);
    }
    if (cols == 1) {
      splitter.run(
          out, (from, to) -> MatVecKernels.oneColumn(w.data(), in, x, 0, y, 0, add, from, to));
      return;
    }
    splitter.run(
        out,
        (from, to) ->
            MatVecKernels.fourColumns(w.data(), in, x, 0, cols, y, 0, out, add, from, to));
  }

  private static IllegalArgumentException arraysDoNotFit(
      float[] x, float[] y, int out, int in, int cols) {
    return new IllegalArgumentException(
        "Arrays of "
            + x.length
            + " and "
            + y.length
            + " floats for a ["
            + out
            + ", "
            + in
            + "] matrix and "
            + cols
            + " columns");
  }

  /**
   * BF16/Q8 weights, any number of columns: {@link WideKernel} where {@link #takesWide} says so;
   * otherwise blocks of rows small enough to stay in cache while every group of {@link
   * PackedKernels#COLUMNS} columns passes over them.
   */
  private void runPacked(Matrix w, float[] x, int cols, float[] y, boolean add) {
    int in = w.cols();
    int out = w.rows();
    if (cols < 1 || x.length < cols * in || y.length < cols * out) {
      throw arraysDoNotFit(x, y, out, in, cols);
    }
    if (nativeKernels != null) {
      runNative(w, x, cols, y, add);
      return;
    }
    float[] xp = PackedKernels.prepare(w, x, cols);
    if (takesWide(w.encoding(), cols)) {
      splitter.run(out, (from, to) -> WideKernel.rows(w, xp, cols, y, out, add, from, to));
      return;
    }
    packedPasses(splitter, w, xp, cols, y, add);
  }

  /** BF16/Q8 on {@link NativeKernels}: activations rounded to bf16 once, rows split. */
  private void runNative(Matrix w, float[] x, int cols, float[] y, boolean add) {
    short[] xb = nativeKernels.bf16(x, cols * w.cols());
    if (w.encoding() == Matrix.Encoding.BF16) {
      splitter.run(w.rows(), (from, to) -> nativeKernels.bf16Rows(w, xb, cols, y, add, from, to));
    } else {
      splitter.run(w.rows(), (from, to) -> nativeKernels.q8Rows(w, xb, cols, y, add, from, to));
    }
  }

  /**
   * The narrow path of BF16/Q8 products: passes of {@link PackedKernels#COLUMNS} columns of a
   * {@link PackedKernels#prepare}d array, over blocks of rows that stay in cache while every pass
   * reads them (the whole range for one pass).
   */
  static void packedPasses(
      RowSplitter splitter, Matrix w, float[] xp, int cols, float[] y, boolean add) {
    int in = w.cols();
    int out = w.rows();
    int width = PackedKernels.COLUMNS;
    int groups = (cols + width - 1) / width;
    int block = groups == 1 ? out : Math.max(2, BLOCK_BYTES / (in * w.encoding().bytes()));
    splitter.run(
        out,
        (from, to) -> {
          for (int start = from; start < to; start += block) {
            int end = Math.min(to, start + block);
            for (int g = 0; g < groups; g++) {
              int first = g * width;
              PackedKernels.rows(
                  w,
                  xp,
                  first * in,
                  Math.min(width, cols - first),
                  y,
                  first * out,
                  out,
                  add,
                  start,
                  end);
            }
          }
        });
  }

  /**
   * Runs {@code task} over items {@code [0, items)} on the kernel's threads, one item at a time or
   * more: for work like attention, where one item (a row's KV-head group) is already tens of
   * microseconds. Items must write disjoint outputs.
   */
  public void parallel(int items, IntConsumer task) {
    splitter.run(
        items,
        1,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            task.accept(i);
          }
        });
  }

  /** {@code Σ q[qOffset + d] · m[offset + d]} over {@code n} floats (offset in floats). */
  public static float dot(float[] q, int qOffset, MemorySegment m, long offset, int n) {
    return MatVecKernels.dot(q, qOffset, m, offset * Float.BYTES, n);
  }

  /** {@code out[outOffset + d] += p · m[offset + d]} over {@code n} floats (offset in floats). */
  public static void addScaled(
      float p, MemorySegment m, long offset, float[] out, int outOffset, int n) {
    MatVecKernels.addScaled(p, m, offset * Float.BYTES, out, outOffset, n);
  }

  /** Softmax of {@code s[0..n)} in place (F32, maximum subtracted first). */
  public static void softmax(float[] s, int n) {
    MatVecKernels.softmax(s, n);
  }

  /** {@code g[gOffset + k] = silu(g[gOffset + k]) * u[uOffset + k]} for k < n. */
  public static void swiGlu(float[] g, int gOffset, float[] u, int uOffset, int n) {
    MatVecKernels.swiGlu(g, gOffset, u, uOffset, n);
  }
}
