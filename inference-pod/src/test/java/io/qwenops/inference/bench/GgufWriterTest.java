package io.qwenops.inference.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.bench.GgufWriter.Precision;
import io.qwenops.inference.model.CheckpointTensors;
import io.qwenops.inference.model.TestCheckpoints;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF files llama.cpp is benchmarked on hold our checkpoint's model, key for key. */
class GgufWriterTest {

  @TempDir Path temp;

  @Test
  void headerKeysAndTensorTableAreWhatLlamaCppLoadsAsQwen2() throws IOException {
    Path checkpoint = TestCheckpoints.tiny();
    Gguf gguf = Gguf.read(GgufWriter.write(checkpoint, Precision.BF16, temp.resolve("m.gguf")));

    assertThat(gguf.version).isEqualTo(3);
    assertThat(gguf.keys)
        .containsEntry("general.architecture", "qwen2")
        .containsEntry("general.file_type", 32)
        .containsEntry("general.alignment", 32)
        .containsEntry("qwen2.block_count", 2)
        .containsEntry("qwen2.embedding_length", 64)
        .containsEntry("qwen2.feed_forward_length", 160)
        .containsEntry("qwen2.attention.head_count", 4)
        .containsEntry("qwen2.attention.head_count_kv", 2)
        .containsEntry("qwen2.rope.freq_base", 1e6f)
        .containsEntry("qwen2.attention.layer_norm_rms_epsilon", 1e-6f)
        .containsEntry("tokenizer.ggml.model", "gpt2")
        .containsEntry("tokenizer.ggml.pre", "qwen2")
        .containsEntry("tokenizer.ggml.eos_token_id", 151645)
        .containsEntry("tokenizer.ggml.padding_token_id", 151643)
        .containsEntry("tokenizer.ggml.add_bos_token", false);
    List<?> tokens = (List<?>) gguf.keys.get("tokenizer.ggml.tokens");
    List<?> types = (List<?>) gguf.keys.get("tokenizer.ggml.token_type");
    // padded to the model's vocabulary as convert_hf_to_gguf does; "Ġthe" is a byte-level BPE token
    assertThat(tokens).hasSize(151936);
    assertThat(tokens.get(279)).isEqualTo("Ġthe");
    assertThat(tokens.get(151644)).isEqualTo("<|im_start|>");
    assertThat(tokens.get(151935)).isEqualTo("[PAD151935]");
    assertThat(types.get(279)).isEqualTo(GgufWriter.NORMAL);
    assertThat(types.get(151644)).isEqualTo(GgufWriter.CONTROL);
    assertThat(types.get(151657)).isEqualTo(GgufWriter.USER_DEFINED); // <tool_call>
    assertThat(types.get(151935)).isEqualTo(GgufWriter.UNUSED);
    assertThat((List<?>) gguf.keys.get("tokenizer.ggml.merges")).hasSizeGreaterThan(150_000);
    assertThat(((List<?>) gguf.keys.get("tokenizer.ggml.merges")).get(0)).isEqualTo("Ġ Ġ");

    // 1 embedding + 12 per layer + final norm + untied lm_head; HF [out, in] is ne = [in, out]
    assertThat(gguf.tensors).hasSize(1 + 2 * 12 + 2);
    assertThat(gguf.tensors.get("token_embd.weight").ne).containsExactly(64L, 151936L);
    assertThat(gguf.tensors.get("blk.1.attn_k.weight").ne).containsExactly(64L, 32L);
    assertThat(gguf.tensors.get("blk.1.attn_k.bias").ne).containsExactly(32L);
    assertThat(gguf.tensors.get("blk.0.ffn_down.weight").ne).containsExactly(160L, 64L);
    assertThat(gguf.tensors.get("output.weight").type).isEqualTo(30);
    assertThat(gguf.tensors.get("output_norm.weight").type).isEqualTo(0);
    long end = 0;
    for (TensorInfo t : gguf.tensors.values()) {
      assertThat(t.offset % 32).as(t.name).isZero();
      assertThat(t.offset)
          .as(t.name + " starts after the previous tensor")
          .isGreaterThanOrEqualTo(end);
      end = t.offset + t.bytes();
    }
    assertThat(gguf.dataStart % 32).isZero();
    assertThat(gguf.dataStart + end).isLessThanOrEqualTo(Files.size(gguf.file));
  }

  @Test
  void f32AndBf16HoldTheCheckpointValuesExactly() throws IOException {
    Path checkpoint = TestCheckpoints.tiny();
    for (Precision p : List.of(Precision.F32, Precision.BF16)) {
      Gguf gguf = Gguf.read(GgufWriter.write(checkpoint, p, temp.resolve(p + ".gguf")));
      try (CheckpointTensors source = CheckpointTensors.open(checkpoint);
          Arena arena = Arena.ofConfined()) {
        float[] want =
            flat(source, "model.layers.1.mlp.up_proj.weight", new long[] {160, 64}, arena);
        float[] got = gguf.floats("blk.1.ffn_up.weight", arena);
        assertThat(got).as(p.name()).containsExactly(want);
        float[] bias = source.floats("model.layers.0.self_attn.q_proj.bias", new long[] {64});
        assertThat(gguf.floats("blk.0.attn_q.bias", arena)).as(p.name()).containsExactly(bias);
      }
    }
  }

  @Test
  void q8BlocksDequantiseWithinHalfAStepOfTheSourceValues() throws IOException {
    Path checkpoint = TestCheckpoints.tiny();
    Gguf gguf = Gguf.read(GgufWriter.write(checkpoint, Precision.Q8_0, temp.resolve("q8.gguf")));
    assertThat(gguf.keys).containsEntry("general.file_type", 7);
    TensorInfo info = gguf.tensors.get("blk.0.attn_output.weight");
    assertThat(info.type).isEqualTo(8);
    try (CheckpointTensors source = CheckpointTensors.open(checkpoint);
        Arena arena = Arena.ofConfined()) {
      float[] want =
          flat(source, "model.layers.0.self_attn.o_proj.weight", new long[] {64, 64}, arena);
      MemorySegment data = gguf.data(info, arena);
      int blocks = want.length / 32;
      for (int b = 0; b < blocks; b++) {
        long at = b * 34L;
        float amax = 0;
        for (int j = 0; j < 32; j++) {
          amax = Math.max(amax, Math.abs(want[b * 32 + j]));
        }
        // the step is amax/127, stored as F16 (as quantize_row_q8_0_ref does)
        float step = amax / 127;
        float d = Float.float16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
        assertThat(d).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(step)));
        for (int j = 0; j < 32; j++) {
          int q = data.get(ValueLayout.JAVA_BYTE, at + 2 + j);
          float x = want[b * 32 + j];
          assertThat(Math.abs(q * step - x))
              .as("block %d value %d rounds to the nearest step", b, j)
              .isLessThanOrEqualTo(step / 2 * 1.0001f);
          // dequantised with the F16 scale: half a step plus the scale's rounding
          assertThat(Math.abs(q * d - x))
              .as("block %d value %d dequantises within d/2", b, j)
              .isLessThanOrEqualTo(d / 2 + 127 * Math.abs(d - step) + 1e-7f);
        }
      }
    }
    // 1-D tensors stay F32 in a Q8_0 file, as convert_hf_to_gguf writes them
    assertThat(gguf.tensors.get("blk.0.attn_norm.weight").type).isEqualTo(0);
  }

  @Test
  void q8RoundsHalvesAwayFromZeroAsCDoes() {
    float[] block = new float[32];
    block[0] = 127;
    block[1] = -2.5f;
    block[2] = 2.5f;
    ByteBuffer out = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
    GgufWriter.quantizeQ8(block, out);
    assertThat(Float.float16ToFloat(out.getShort(0))).isEqualTo(1f);
    assertThat(out.get(2)).isEqualTo((byte) 127);
    assertThat(out.get(3)).isEqualTo((byte) -3);
    assertThat(out.get(4)).isEqualTo((byte) 3);
  }

  private static float[] flat(CheckpointTensors source, String name, long[] shape, Arena arena)
      throws IOException {
    MemorySegment bytes = source.map(name, shape, arena);
    String dtype = source.info(name).dtype();
    float[] out = new float[(int) (shape[0] * shape[1])];
    for (int i = 0; i < out.length; i++) {
      out[i] = CheckpointTensors.element(dtype, bytes, i);
    }
    return out;
  }

  record TensorInfo(String name, long[] ne, int type, long offset) {
    long elements() {
      long n = 1;
      for (long d : ne) {
        n *= d;
      }
      return n;
    }

    long bytes() {
      return switch (type) {
        case 0 -> 4 * elements();
        case 30 -> 2 * elements();
        case 8 -> elements() / 32 * 34;
        default -> throw new IllegalStateException("type " + type);
      };
    }
  }

  /** A small GGUF v3 reader: the header, the metadata keys and the tensor table. */
  static final class Gguf {
    Path file;
    int version;
    final Map<String, Object> keys = new LinkedHashMap<>();
    final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    long dataStart;

    static Gguf read(Path file) throws IOException {
      ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      Gguf g = new Gguf();
      g.file = file;
      byte[] magic = new byte[4];
      in.get(magic);
      assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("GGUF");
      g.version = in.getInt();
      long tensorCount = in.getLong();
      long keyCount = in.getLong();
      for (long i = 0; i < keyCount; i++) {
        String key = string(in);
        g.keys.put(key, value(in, in.getInt()));
      }
      for (long i = 0; i < tensorCount; i++) {
        String name = string(in);
        long[] ne = new long[in.getInt()];
        for (int d = 0; d < ne.length; d++) {
          ne[d] = in.getLong();
        }
        g.tensors.put(name, new TensorInfo(name, ne, in.getInt(), in.getLong()));
      }
      g.dataStart = GgufWriter.align(in.position());
      return g;
    }

    MemorySegment data(TensorInfo t, Arena arena) throws IOException {
      try (var channel = java.nio.channels.FileChannel.open(file)) {
        return channel.map(
            java.nio.channels.FileChannel.MapMode.READ_ONLY,
            dataStart + t.offset,
            t.bytes(),
            arena);
      }
    }

    float[] floats(String name, Arena arena) throws IOException {
      TensorInfo t = tensors.get(name);
      MemorySegment data = data(t, arena);
      float[] out = new float[(int) t.elements()];
      for (int i = 0; i < out.length; i++) {
        out[i] =
            t.type == 0
                ? data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4L)
                : Float.intBitsToFloat(
                    (data.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2L) & 0xFFFF) << 16);
      }
      return out;
    }

    private static String string(ByteBuffer in) {
      byte[] b = new byte[Math.toIntExact(in.getLong())];
      in.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer in, int type) {
      return switch (type) {
        case 4, 5 -> in.getInt();
        case 6 -> in.getFloat();
        case 7 -> in.get() != 0;
        case 8 -> string(in);
        case 9 -> {
          int elementType = in.getInt();
          long n = in.getLong();
          List<Object> values = new ArrayList<>();
          for (long i = 0; i < n; i++) {
            values.add(value(in, elementType));
          }
          yield values;
        }
        default -> throw new IllegalStateException("unexpected GGUF value type " + type);
      };
    }
  }
}
