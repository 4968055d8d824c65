package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.model.SafetensorsFile.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All tensors of a checkpoint directory, whether in one {@code model.safetensors} or sharded with
 * {@code model.safetensors.index.json}. Loads a tensor as an F32 NDArray, converting BF16/F16 in
 * Java (the PyTorch JNI aborts on BF16 arrays) piece by piece from the memory map.
 */
public final class CheckpointTensors implements AutoCloseable {

  /** Rows are converted in pieces of at most this many bytes of F32 output. */
  private static final long PIECE_BYTES = 256L << 20;

  private final Path modelDir;
  private final Map<String, SafetensorsFile> fileOfTensor;
  private final Map<Path, SafetensorsFile> files;
  private ByteBuffer staging;

  private CheckpointTensors(
      Path modelDir, Map<String, SafetensorsFile> fileOfTensor, Map<Path, SafetensorsFile> files) {
    this.modelDir = modelDir;
    this.fileOfTensor = fileOfTensor;
    this.files = files;
  }

  public static CheckpointTensors open(Path modelDir) throws IOException {
    Path single = modelDir.resolve("model.safetensors");
    Path index = modelDir.resolve("model.safetensors.index.json");
    Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
    Map<String, SafetensorsFile> fileOfTensor = new HashMap<>();
    try {
      if (Files.isRegularFile(index)) {
        JsonNode weightMap = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        if (!weightMap.isObject()) {
          throw new IOException(index + ": no 'weight_map' object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Path shard = modelDir.resolve(e.getValue().asText());
          if (!Files.isRegularFile(shard)) {
            throw new IOException(
                index + " maps tensor '" + e.getKey() + "' to " + shard + ", which does not exist");
          }
          SafetensorsFile file = files.get(shard);
          if (file == null) {
            file = SafetensorsFile.open(shard);
            files.put(shard, file);
          }
          if (!file.tensors().containsKey(e.getKey())) {
            throw new IOException(
                index + " maps tensor '" + e.getKey() + "' to " + shard + ", which lacks it");
          }
          fileOfTensor.put(e.getKey(), file);
        }
      } else if (Files.isRegularFile(single)) {
        SafetensorsFile file = SafetensorsFile.open(single);
        files.put(single, file);
        file.tensors().keySet().forEach(name -> fileOfTensor.put(name, file));
      } else {
        throw new IOException(
            "No model.safetensors or model.safetensors.index.json in " + modelDir);
      }
    } catch (IOException e) {
      for (SafetensorsFile f : files.values()) {
        f.close();
      }
      throw e;
    }
    return new CheckpointTensors(modelDir, fileOfTensor, files);
  }

  public boolean contains(String name) {
    return fileOfTensor.containsKey(name);
  }

  public TensorInfo info(String name) throws IOException {
    SafetensorsFile file = fileOfTensor.get(name);
    if (file == null) {
      throw new IOException(
          "Tensor '"
              + name
              + "' is missing from the checkpoint in "
              + modelDir
              + " ("
              + where()
              + ")");
    }
    return file.tensors().get(name);
  }

  /** The tensor as an F32 array on the manager's device, after checking its shape. */
  public NDArray loadF32(String name, long[] expectedShape, NDManager manager) throws IOException {
    NDArray target = manager.create(new Shape(expectedShape), DataType.FLOAT32);
    try {
      copyInto(name, expectedShape, target, 0);
      return target;
    } catch (IOException | RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /**
   * Converts the tensor to F32 and writes it into rows {@code [firstRow, firstRow + rows)} of
   * {@code target} (an F32 array whose rows have the tensor's row shape). Goes through one reused
   * staging buffer, so each weight byte is faulted in once, in its final place.
   */
  public void copyInto(String name, long[] expectedShape, NDArray target, long firstRow)
      throws IOException {
    TensorInfo info = info(name);
    checkShape(info, name, expectedShape);
    SafetensorsFile file = fileOfTensor.get(name);
    long rows = info.shape().length == 0 ? 1 : info.shape()[0];
    long rowElements = rows == 0 ? 0 : info.elementCount() / rows;
    long rowsPerPiece = Math.max(1, PIECE_BYTES / Math.max(1, rowElements * 4));
    boolean vector = info.shape().length == 1;
    try (NDManager scratch = target.getManager().newSubManager()) {
      for (long row = 0; row < rows; row += rowsPerPiece) {
        long n = vector ? rows : Math.min(rowsPerPiece, rows - row);
        int elements = Math.toIntExact(vector ? rows : n * rowElements);
        ByteBuffer source =
            file.map(
                info,
                vector ? 0 : row * rowElements * info.bytesPerElement(),
                elements * info.bytesPerElement());
        ByteBuffer f32 = staging(elements * 4L);
        convert(info.dtype(), source, f32.asFloatBuffer(), elements);
        long[] shape = info.shape().clone();
        if (!vector) {
          shape[0] = n;
        }
        NDArray piece = scratch.create(f32, new Shape(shape), DataType.FLOAT32);
        long from = firstRow + (vector ? 0 : row);
        target.set(new NDIndex(from + ":" + (from + n)), piece);
        piece.close();
        if (vector) {
          break;
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(info.file() + ": cannot load tensor '" + name + "': " + e, e);
    }
  }

  /**
   * The tensor's bytes mapped into {@code arena}, after checking its shape; its dtype is {@code
   * info(name).dtype()}.
   */
  public MemorySegment map(String name, long[] expectedShape, Arena arena) throws IOException {
    TensorInfo info = info(name);
    checkShape(info, name, expectedShape);
    return fileOfTensor.get(name).map(info, arena);
  }

  /** A small tensor (norm, bias) as F32 values, after checking its shape. */
  public float[] floats(String name, long[] expectedShape) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = map(name, expectedShape, arena);
      TensorInfo info = info(name);
      float[] out = new float[Math.toIntExact(info.elementCount())];
      for (int i = 0; i < out.length; i++) {
        out[i] = element(info.dtype(), bytes, i);
      }
      return out;
    }
  }

  /** Entry {@code i} of a mapped tensor of {@code dtype} as an F32 value. */
  public static float element(String dtype, MemorySegment bytes, long i) {
    return switch (dtype) {
      case "F32" -> bytes.get(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4);
      case "BF16" ->
          Float.intBitsToFloat((bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2) & 0xFFFF) << 16);
      case "F16" -> Float.float16ToFloat(bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2));
      default -> throw new IllegalStateException("unsupported dtype " + dtype);
    };
  }

  private static void checkShape(TensorInfo info, String name, long[] expectedShape)
      throws IOException {
    if (!Arrays.equals(info.shape(), expectedShape)) {
      throw new IOException(
          info.file()
              + ": tensor '"
              + name
              + "' has shape "
              + Arrays.toString(info.shape())
              + " but config.json implies "
              + Arrays.toString(expectedShape));
    }
  }

  /** One direct buffer reused for every piece (allocating direct memory is slow). */
  private ByteBuffer staging(long bytes) {
    if (staging == null || staging.capacity() < bytes) {
      staging =
          ByteBuffer.allocateDirect((int) Math.max(bytes, Math.min(PIECE_BYTES, 64L << 20)))
              .order(ByteOrder.nativeOrder());
    }
    ByteBuffer view = staging.duplicate().order(ByteOrder.nativeOrder());
    view.clear().limit((int) bytes);
    return view.slice().order(ByteOrder.nativeOrder());
  }

  private static void convert(String dtype, ByteBuffer source, FloatBuffer out, int elements) {
    switch (dtype) {
      case "F32" -> out.put(source.asFloatBuffer());
      case "BF16" -> {
        ShortBuffer in = source.asShortBuffer();
        short[] chunk = new short[Math.min(elements, 1 << 16)];
        float[] converted = new float[chunk.length];
        for (int done = 0; done < elements; ) {
          int n = Math.min(chunk.length, elements - done);
          in.get(chunk, 0, n);
          for (int i = 0; i < n; i++) {
            converted[i] = Float.intBitsToFloat((chunk[i] & 0xFFFF) << 16);
          }
          out.put(converted, 0, n);
          done += n;
        }
      }
      case "F16" -> {
        ShortBuffer in = source.asShortBuffer();
        for (int i = 0; i < elements; i++) {
          out.put(Float.float16ToFloat(in.get()));
        }
      }
      default -> throw new IllegalStateException("unsupported dtype " + dtype);
    }
  }

  private String where() {
    return files.size() == 1
        ? "file " + files.keySet().iterator().next().getFileName()
        : files.size() + " shards listed in model.safetensors.index.json";
  }

  @Override
  public void close() throws IOException {
    for (SafetensorsFile f : files.values()) {
      f.close();
    }
  }
}
