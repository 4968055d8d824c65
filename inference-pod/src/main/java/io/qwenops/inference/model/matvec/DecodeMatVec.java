package io.qwenops.inference.model.matvec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.qwenops.inference.model.ComputeSetup;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code W · X} for decode batches of one to {@link #MAX_COLUMNS} rows when the model runs on CPU
 * in F32. PyTorch's BLAS streams a weight at 15–19 GB/s on one core for so few columns; this kernel
 * reads the weight in place (the tensor's own memory, no copy) with the Vector API on every core
 * and reaches 45–50 GB/s on the benchmark box (docs/benchmarks.md). Wider batches are
 * compute-bound, where BLAS is the better tool, so they keep using it.
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector}; without it, or with {@code
 * QWENOPS_DECODE_MATVEC=off}, {@link #forSetup} says why and the model keeps PyTorch's matmul.
 */
public final class DecodeMatVec {

  /** Widest batch this kernel takes; beyond it BLAS's GEMM is faster (measured, see above). */
  public static final int MAX_COLUMNS = 4;

  static final String SWITCH = "QWENOPS_DECODE_MATVEC";
  private static final String MODULE = "jdk.incubator.vector";
  private static final Logger LOG = Logger.getLogger(DecodeMatVec.class.getName());

  private final RowSplitter splitter;
  private final int torchThreads = JniUtils.getNumThreads();

  /** A weight [rows, cols] whose F32 values the kernel reads where PyTorch keeps them. */
  public record Matrix(MemorySegment data, int rows, int cols) {}

  DecodeMatVec(RowSplitter splitter) {
    this.splitter = splitter;
  }

  /**
   * Call before each forward pass of {@code rows} rows. A pass the kernel serves runs PyTorch's
   * other ops on one thread: its OpenMP workers would otherwise spin on the cores the kernel's
   * helpers need (a batch-1 step took 115 ms instead of 90). Wider passes get PyTorch's threads
   * back for BLAS. The count changes only when the kind of pass does.
   */
  public void beforeForward(int rows) {
    int wanted = rows <= MAX_COLUMNS ? 1 : torchThreads;
    if (JniUtils.getNumThreads() != wanted) {
      JniUtils.setNumThreads(wanted);
    }
  }

  /** The kernel for a model on {@code setup}, or empty (and a log line why) when it cannot run. */
  public static Optional<DecodeMatVec> forSetup(ComputeSetup setup) {
    String reason = whyUnavailable(setup, System.getenv(SWITCH));
    if (reason != null) {
      LOG.info("Decode projections use PyTorch's matmul: " + reason);
      return Optional.empty();
    }
    RowSplitter shared = RowSplitter.shared();
    LOG.info(
        "Decode projections of up to "
            + MAX_COLUMNS
            + " rows use the Vector API kernel ("
            + MatVecKernels.lanes()
            + " lanes, "
            + shared.parallelism()
            + " threads)");
    return Optional.of(new DecodeMatVec(shared));
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
   * The weight as a {@link Matrix}, or empty when the kernel cannot read it in place: not a 2-D F32
   * CPU tensor, larger than one direct buffer (2 GiB), or not contiguous (PyTorch would hand out a
   * temporary copy, seen as a different address on each call).
   */
  public Optional<Matrix> wrap(NDArray weight) {
    Shape shape = weight.getShape();
    long bytes = weight.size() * Float.BYTES;
    if (shape.dimension() != 2
        || weight.getDataType() != DataType.FLOAT32
        || !Device.Type.CPU.equals(weight.getDevice().getDeviceType())
        || bytes > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    MemorySegment data = MemorySegment.ofBuffer(weight.toByteBuffer(true));
    if (MemorySegment.ofBuffer(weight.toByteBuffer(true)).address() != data.address()) {
      return Optional.empty();
    }
    return Optional.of(new Matrix(data, (int) shape.get(0), (int) shape.get(1)));
  }

  /**
   * {@code W · x} for an F32 {@code x} of [w.cols, 1..MAX_COLUMNS], as a new array on {@code step}.
   */
  public NDArray multiply(Matrix w, NDArray x, NDManager step) {
    Shape shape = x.getShape();
    if (shape.dimension() != 2 || shape.get(0) != w.cols() || x.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "Expected a float32 [" + w.cols() + ", columns] input, got " + x.getDataType() + shape);
    }
    int cols = (int) shape.get(1);
    if (cols < 1 || cols > MAX_COLUMNS) {
      throw new IllegalArgumentException(
          "The decode kernel takes 1 to " + MAX_COLUMNS + " columns, got " + cols);
    }
    int in = w.cols();
    FloatBuffer source = x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    NDArray y = step.create(new Shape(w.rows(), cols), DataType.FLOAT32);
    MemorySegment out = MemorySegment.ofBuffer(y.toByteBuffer(true));
    if (cols == 1) {
      float[] column = new float[in];
      source.get(column);
      splitter.run(
          w.rows(), (from, to) -> MatVecKernels.oneColumn(w.data(), in, column, out, from, to));
    } else {
      float[] columns = columnsFirst(source, in, cols);
      splitter.run(
          w.rows(),
          (from, to) -> MatVecKernels.fourColumns(w.data(), in, columns, cols, out, from, to));
    }
    return y;
  }

  /** [in, cols] row-major to [MAX_COLUMNS][in], zero-padded: each column contiguous. */
  private static float[] columnsFirst(FloatBuffer source, int in, int cols) {
    float[] rowMajor = new float[in * cols];
    source.get(rowMajor);
    float[] columns = new float[MAX_COLUMNS * in];
    for (int k = 0; k < in; k++) {
      for (int c = 0; c < cols; c++) {
        columns[c * in + k] = rowMajor[k * cols + c];
      }
    }
    return columns;
  }
}
