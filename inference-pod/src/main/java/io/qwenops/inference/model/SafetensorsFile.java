package io.qwenops.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw data. Tensors are memory-mapped on demand (in
 * pieces under 2 GiB), never read whole into the Java heap.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** One tensor's entry in the header; offsets are absolute positions in the file. */
  public record TensorInfo(
      Path file, String name, String dtype, long[] shape, long start, long end) {
    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    public int bytesPerElement() {
      return switch (dtype) {
        case "F32" -> 4;
        case "F16", "BF16" -> 2;
        default -> throw new IllegalStateException("unsupported dtype " + dtype);
      };
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;

  private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors) {
    this.file = file;
    this.channel = channel;
    this.tensors = tensors;
  }

  public static SafetensorsFile open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (size < 8) {
        throw new IOException(file + ": too short to be a safetensors file");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > size) {
        throw new IOException(file + ": invalid safetensors header length " + headerLength);
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      channel.read(header, 8);
      JsonNode json = new ObjectMapper().readTree(header.array());
      long dataStart = 8 + headerLength;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonNode t = e.getValue();
        String dtype = t.path("dtype").asText();
        if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
          throw new IOException(
              file + ": tensor '" + e.getKey() + "' has dtype " + dtype + " (need BF16/F16/F32)");
        }
        long[] shape = new long[t.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.path("shape").get(i).asLong();
        }
        long start = dataStart + t.path("data_offsets").get(0).asLong();
        long end = dataStart + t.path("data_offsets").get(1).asLong();
        TensorInfo info = new TensorInfo(file, e.getKey(), dtype, shape, start, end);
        if (end > size || end - start != info.elementCount() * info.bytesPerElement()) {
          throw new IOException(file + ": tensor '" + e.getKey() + "' has a bad byte range");
        }
        tensors.put(e.getKey(), info);
      }
      return new SafetensorsFile(file, channel, tensors);
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException(file + ": unreadable safetensors header: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** Maps {@code length} bytes of a tensor starting {@code offset} bytes into it, little-endian. */
  public ByteBuffer map(TensorInfo tensor, long offset, int length) throws IOException {
    return channel
        .map(FileChannel.MapMode.READ_ONLY, tensor.start() + offset, length)
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Maps the whole tensor (any size) into {@code arena}: closing the arena unmaps it at once, so a
   * load that copies weights out does not leave the file's pages mapped until a GC.
   */
  public MemorySegment map(TensorInfo tensor, Arena arena) throws IOException {
    return channel.map(
        FileChannel.MapMode.READ_ONLY, tensor.start(), tensor.end() - tensor.start(), arena);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
