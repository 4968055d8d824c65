package io.qwenops.inference.model.matvec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * BF16 and Q8 products through the dot product of AVX512-BF16 ({@code VDPBF16PS}: 32 bf16 products
 * a vector, accumulated in F32), which the Vector API does not expose: {@code
 * src/main/c/qwenops_matvec.c}, built into the jar by Maven and called through FFM on the weights'
 * own memory and the activations' Java arrays (no copies).
 *
 * <p>The arithmetic is not the Java kernels': activations are rounded to bf16 once per product (as
 * llama.cpp's BF16 and a BF16 model on a GPU), and Q8 weights are dequantised to bf16 (int8 ×
 * scale, rounded) as they are read, so Q8 keeps its memory and bandwidth but computes as BF16.
 * Every width, one column or a prefill chunk, runs this arithmetic, so greedy tokens stay
 * batch-invariant; docs/architecture.md states its error against the float64 reference.
 */
final class NativeKernels {

  /** Where Maven puts the library among the classes. */
  static final String RESOURCE = "/native/linux-x86_64/libqwenops_matvec.so";

  private static final Linker LINKER = Linker.nativeLinker();
  // The calls read and write Java arrays in place and take well under a millisecond.
  private static final Linker.Option HEAP = Linker.Option.critical(true);
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final ValueLayout PTR = ValueLayout.ADDRESS;

  private static final Availability AVAILABILITY = load();

  private final MethodHandle bf16Pack;
  private final MethodHandle bf16Rows;
  private final MethodHandle q8Rows;

  /** The kernels, or why this process runs without them. */
  record Availability(NativeKernels kernels, String whyNot) {}

  private NativeKernels(SymbolLookup lib) {
    bf16Pack = handle(lib, "qk_bf16_pack", FunctionDescriptor.ofVoid(PTR, LONG, PTR));
    bf16Rows =
        handle(
            lib,
            "qk_bf16_rows",
            FunctionDescriptor.ofVoid(PTR, INT, PTR, INT, PTR, INT, INT, INT, INT));
    q8Rows =
        handle(
            lib,
            "qk_q8_rows",
            FunctionDescriptor.of(INT, PTR, PTR, INT, PTR, INT, PTR, INT, INT, INT, INT));
  }

  /** The kernels when the library loads and this CPU has AVX512-BF16. */
  static Availability availability() {
    return AVAILABILITY;
  }

  private static Availability load() {
    URL url = NativeKernels.class.getResource(RESOURCE);
    if (url == null) {
      return new Availability(null, RESOURCE + " is not on the class path");
    }
    try {
      SymbolLookup lib = SymbolLookup.libraryLookup(libraryFile(url), Arena.global());
      MethodHandle supported =
          LINKER.downcallHandle(lib.find("qk_supported").orElseThrow(), FunctionDescriptor.of(INT));
      if ((int) supported.invokeExact() == 0) {
        return new Availability(null, "this CPU lacks AVX512-BF16");
      }
      return new Availability(new NativeKernels(lib), null);
    } catch (Throwable e) {
      return new Availability(null, "the native kernels did not load: " + e);
    }
  }

  /** The library as a file: in place under target/classes, else copied out of the jar. */
  static Path libraryFile(URL url) throws IOException, URISyntaxException {
    if ("file".equals(url.getProtocol())) {
      return Path.of(url.toURI());
    }
    Path file = Files.createTempFile("qwenops_matvec", ".so");
    file.toFile().deleteOnExit();
    try (InputStream in = url.openStream()) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(lib.find(name).orElseThrow(), d, HEAP);
  }

  /** The first {@code n} entries of {@code x} rounded to bf16, nearest even. */
  short[] bf16(float[] x, int n) {
    short[] out = new short[n];
    try {
      bf16Pack.invokeExact(MemorySegment.ofArray(x), (long) n, MemorySegment.ofArray(out));
    } catch (Throwable e) {
      throw failed(e);
    }
    return out;
  }

  /** {@code y[j·out + r] (+)= W[r, :] · x[j]} for rows {@code [from, to)}, bf16 activations. */
  void bf16Rows(Matrix w, short[] x, int cols, float[] y, boolean add, int from, int to) {
    try {
      bf16Rows.invokeExact(
          w.data(),
          w.cols(),
          MemorySegment.ofArray(x),
          cols,
          MemorySegment.ofArray(y),
          w.rows(),
          add ? 1 : 0,
          from,
          to);
    } catch (Throwable e) {
      throw failed(e);
    }
  }

  /**
   * {@code y[j·out + r] (+)= W[r, :] · x[j]} for rows {@code [from, to)} of a Q8 matrix, bf16
   * activations.
   */
  void q8Rows(Matrix w, short[] x, int cols, float[] y, boolean add, int from, int to) {
    int status;
    try {
      status =
          (int)
              q8Rows.invokeExact(
                  w.data(),
                  w.scales(),
                  w.cols(),
                  MemorySegment.ofArray(x),
                  cols,
                  MemorySegment.ofArray(y),
                  w.rows(),
                  add ? 1 : 0,
                  from,
                  to);
    } catch (Throwable e) {
      throw failed(e);
    }
    if (status != 0) {
      throw new OutOfMemoryError("no native scratch for a wide int8 product of " + w.cols());
    }
  }

  private static RuntimeException failed(Throwable e) {
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IllegalStateException("native kernel call failed", e);
  }
}
