package io.qwenops.inference.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.model.CheckpointTensors;
import io.qwenops.inference.model.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Qwen2 safetensors checkpoint as a GGUF v3 file that llama.cpp loads as architecture
 * {@code qwen2}: the keys and tensor names of llama.cpp's {@code convert_hf_to_gguf.py} ({@code
 * Qwen2Model}), 2-D weights in F32, BF16 or Q8_0, 1-D tensors (norms, biases) in F32, the tokenizer
 * from the checkpoint's own {@code tokenizer.json}. For the benchmark only: it lets llama.cpp run
 * exactly the weights our engine runs.
 */
public final class GgufWriter {

  /** The precision of the 2-D weights, with its ggml tensor type and GGUF file type. */
  public enum Precision {
    F32(0, 0),
    BF16(30, 32),
    Q8_0(8, 7);

    final int ggmlType;
    final int fileType;

    Precision(int ggmlType, int fileType) {
      this.ggmlType = ggmlType;
      this.fileType = fileType;
    }

    /** Our engine's weight names (float32, bfloat16, int8) to the GGUF precision they match. */
    public static Precision ofEngine(String weights) {
      return switch (weights) {
        case "float32" -> F32;
        case "bfloat16" -> BF16;
        case "int8" -> Q8_0;
        default -> throw new IllegalArgumentException("no GGUF precision for " + weights);
      };
    }
  }

  static final int ALIGNMENT = 32;
  static final int Q8_BLOCK = 32;
  static final int GGML_F32 = 0;

  // GGUF metadata value types
  private static final int UINT32 = 4;
  private static final int INT32 = 5;
  private static final int FLOAT32 = 6;
  private static final int BOOL = 7;
  private static final int STRING = 8;
  private static final int ARRAY = 9;

  // llama.cpp token types (gguf-py TokenType)
  static final int NORMAL = 1;
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;
  static final int UNUSED = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private GgufWriter() {}

  /**
   * {@code GgufWriter CHECKPOINT_DIR F32|BF16|Q8_0 OUT.gguf}: one file, for trying llama.cpp by
   * hand.
   */
  public static void main(String[] args) throws IOException {
    System.out.println(write(Path.of(args[0]), Precision.valueOf(args[1]), Path.of(args[2])));
  }

  /** One tensor to write: its HF name, GGUF name, HF shape ([out, in] or [n]). */
  private record Tensor(String hfName, String ggufName, long[] shape) {
    boolean matrix() {
      return shape.length == 2;
    }

    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * Writes {@code out} (through a temporary file, so a killed run never leaves a half-written one)
   * and returns it.
   */
  public static Path write(Path checkpointDir, Precision precision, Path out) throws IOException {
    ModelConfig config = ModelConfig.load(checkpointDir);
    List<Tensor> tensors = tensors(config);
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    try (CheckpointTensors source = CheckpointTensors.open(checkpointDir);
        FileChannel channel =
            FileChannel.open(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      Header header = new Header();
      header.bytes.writeBytes(new byte[] {'G', 'G', 'U', 'F'});
      header.u32(3);
      header.u64(tensors.size());
      List<Runnable> keys = metadata(config, precision, checkpointDir, header);
      header.u64(keys.size());
      keys.forEach(Runnable::run);
      long offset = 0;
      for (Tensor t : tensors) {
        header.string(t.ggufName());
        header.u32(t.shape().length);
        for (int d = t.shape().length - 1; d >= 0; d--) {
          header.u64(t.shape()[d]); // ne0 is the innermost (HF's last) dimension
        }
        header.u32(t.matrix() ? precision.ggmlType : GGML_F32);
        header.u64(offset);
        offset = align(offset + dataBytes(t, precision));
      }
      header.pad();
      channel.write(ByteBuffer.wrap(header.bytes.toByteArray()));
      Output data = new Output(channel);
      for (Tensor t : tensors) {
        try (Arena arena = Arena.ofConfined()) {
          MemorySegment bytes = source.map(t.hfName(), t.shape(), arena);
          String dtype = source.info(t.hfName()).dtype();
          Precision as = t.matrix() ? precision : Precision.F32;
          writeData(bytes, dtype, t, as, data);
        }
        data.padTo(ALIGNMENT);
      }
      data.flush();
    }
    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  private static List<Tensor> tensors(ModelConfig c) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long inter = c.intermediateSize();
    List<Tensor> t = new ArrayList<>();
    t.add(
        new Tensor(
            "model.embed_tokens.weight", "token_embd.weight", new long[] {c.vocabSize(), h}));
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String hf = "model.layers." + i + ".";
      String gg = "blk." + i + ".";
      t.add(new Tensor(hf + "input_layernorm.weight", gg + "attn_norm.weight", new long[] {h}));
      for (String[] proj :
          new String[][] {
            {"q_proj", "attn_q", "q"}, {"k_proj", "attn_k", "kv"}, {"v_proj", "attn_v", "kv"}
          }) {
        long rows = proj[2].equals("q") ? q : kv;
        String hfp = hf + "self_attn." + proj[0];
        t.add(new Tensor(hfp + ".weight", gg + proj[1] + ".weight", new long[] {rows, h}));
        t.add(new Tensor(hfp + ".bias", gg + proj[1] + ".bias", new long[] {rows}));
      }
      t.add(
          new Tensor(hf + "self_attn.o_proj.weight", gg + "attn_output.weight", new long[] {h, q}));
      t.add(
          new Tensor(
              hf + "post_attention_layernorm.weight", gg + "ffn_norm.weight", new long[] {h}));
      t.add(new Tensor(hf + "mlp.gate_proj.weight", gg + "ffn_gate.weight", new long[] {inter, h}));
      t.add(new Tensor(hf + "mlp.up_proj.weight", gg + "ffn_up.weight", new long[] {inter, h}));
      t.add(new Tensor(hf + "mlp.down_proj.weight", gg + "ffn_down.weight", new long[] {h, inter}));
    }
    t.add(new Tensor("model.norm.weight", "output_norm.weight", new long[] {h}));
    // Tied embeddings: llama.cpp reuses token_embd when output.weight is absent.
    if (!c.tieWordEmbeddings()) {
      t.add(new Tensor("lm_head.weight", "output.weight", new long[] {c.vocabSize(), h}));
    }
    return t;
  }

  private static List<Runnable> metadata(ModelConfig c, Precision precision, Path dir, Header h)
      throws IOException {
    JsonNode tokenizer = JSON.readTree(dir.resolve("tokenizer.json").toFile());
    JsonNode tokenizerConfig = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
    JsonNode modelConfig = JSON.readTree(dir.resolve("config.json").toFile());
    Vocabulary vocab = Vocabulary.of(tokenizer, c.vocabSize());
    String arch = "qwen2";
    List<Runnable> keys = new ArrayList<>();
    keys.add(() -> h.keyString("general.architecture", arch));
    keys.add(() -> h.keyString("general.type", "model"));
    keys.add(() -> h.keyString("general.name", dir.getFileName().toString()));
    keys.add(() -> h.keyU32(arch + ".block_count", c.numHiddenLayers()));
    keys.add(() -> h.keyU32(arch + ".context_length", c.maxPositionEmbeddings()));
    keys.add(() -> h.keyU32(arch + ".embedding_length", c.hiddenSize()));
    keys.add(() -> h.keyU32(arch + ".feed_forward_length", c.intermediateSize()));
    keys.add(() -> h.keyU32(arch + ".attention.head_count", c.numAttentionHeads()));
    keys.add(() -> h.keyU32(arch + ".attention.head_count_kv", c.numKeyValueHeads()));
    keys.add(() -> h.keyF32(arch + ".rope.freq_base", (float) c.ropeTheta()));
    keys.add(() -> h.keyF32(arch + ".attention.layer_norm_rms_epsilon", (float) c.rmsNormEps()));
    keys.add(() -> h.keyU32("general.file_type", precision.fileType));
    keys.add(() -> h.keyU32("general.quantization_version", 2));
    keys.add(() -> h.keyU32("general.alignment", ALIGNMENT));
    keys.add(() -> h.keyString("tokenizer.ggml.model", "gpt2"));
    keys.add(() -> h.keyString("tokenizer.ggml.pre", "qwen2"));
    keys.add(() -> h.keyStrings("tokenizer.ggml.tokens", vocab.tokens()));
    keys.add(() -> h.keyInts("tokenizer.ggml.token_type", vocab.types()));
    keys.add(() -> h.keyStrings("tokenizer.ggml.merges", vocab.merges()));
    int eos = vocab.id(tokenizerConfig.path("eos_token").asText());
    int pad = vocab.id(tokenizerConfig.path("pad_token").asText());
    int bos = modelConfig.path("bos_token_id").asInt(pad);
    keys.add(() -> h.keyU32("tokenizer.ggml.eos_token_id", eos));
    keys.add(() -> h.keyU32("tokenizer.ggml.padding_token_id", pad));
    keys.add(() -> h.keyU32("tokenizer.ggml.bos_token_id", bos));
    keys.add(() -> h.keyBool("tokenizer.ggml.add_bos_token", false));
    String template = tokenizerConfig.path("chat_template").asText("");
    if (!template.isEmpty()) {
      keys.add(() -> h.keyString("tokenizer.chat_template", template));
    }
    return keys;
  }

  /** The token list as convert_hf_to_gguf's {@code get_vocab_base} builds it for BPE models. */
  record Vocabulary(
      List<String> tokens, int[] types, List<String> merges, Map<String, Integer> ids) {
    static Vocabulary of(JsonNode tokenizer, int vocabSize) {
      String[] byId = new String[vocabSize];
      int[] types = new int[vocabSize];
      Map<String, Integer> ids = new HashMap<>();
      tokenizer
          .path("model")
          .path("vocab")
          .fields()
          .forEachRemaining(
              e -> {
                int id = e.getValue().asInt();
                byId[id] = e.getKey();
                types[id] = NORMAL;
                ids.put(e.getKey(), id);
              });
      for (JsonNode added : tokenizer.path("added_tokens")) {
        int id = added.path("id").asInt();
        String text = added.path("content").asText();
        byId[id] = text;
        boolean special = added.path("special").asBoolean() || looksSpecial(text);
        types[id] = special ? CONTROL : USER_DEFINED;
        ids.put(text, id);
      }
      List<String> tokens = new ArrayList<>(vocabSize);
      for (int i = 0; i < vocabSize; i++) {
        if (byId[i] == null) {
          tokens.add("[PAD" + i + "]");
          types[i] = UNUSED;
        } else {
          tokens.add(byId[i]);
        }
      }
      List<String> merges = new ArrayList<>();
      for (JsonNode merge : tokenizer.path("model").path("merges")) {
        // Newer tokenizer.json files spell a merge as a pair, older ones as "a b".
        merges.add(
            merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText());
      }
      return new Vocabulary(tokens, types, merges, ids);
    }

    /** convert_hf_to_gguf's {@code does_token_look_special}, for the chatml-style tokens. */
    private static boolean looksSpecial(String text) {
      return text.startsWith("<|") && text.endsWith("|>");
    }

    int id(String token) {
      Integer id = ids.get(token);
      if (id == null) {
        throw new IllegalArgumentException("token '" + token + "' is not in tokenizer.json");
      }
      return id;
    }
  }

  static long align(long offset) {
    return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private static long dataBytes(Tensor t, Precision precision) {
    if (!t.matrix()) {
      return 4 * t.elements();
    }
    return switch (precision) {
      case F32 -> 4 * t.elements();
      case BF16 -> 2 * t.elements();
      case Q8_0 -> {
        if (t.shape()[1] % Q8_BLOCK != 0) {
          throw new IllegalArgumentException(
              t.hfName() + ": rows of " + t.shape()[1] + " are not whole Q8_0 blocks of 32");
        }
        yield t.elements() / Q8_BLOCK * (2 + Q8_BLOCK);
      }
    };
  }

  private static void writeData(
      MemorySegment bytes, String dtype, Tensor t, Precision as, Output out) throws IOException {
    long n = t.elements();
    switch (as) {
      case F32 -> {
        for (long i = 0; i < n; i++) {
          out.ensure(4).putFloat(CheckpointTensors.element(dtype, bytes, i));
        }
      }
      case BF16 -> {
        for (long i = 0; i < n; i++) {
          short bits =
              dtype.equals("BF16")
                  ? bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2)
                  : toBf16(CheckpointTensors.element(dtype, bytes, i));
          out.ensure(2).putShort(bits);
        }
      }
      case Q8_0 -> {
        float[] block = new float[Q8_BLOCK];
        for (long b = 0; b < n; b += Q8_BLOCK) {
          for (int j = 0; j < Q8_BLOCK; j++) {
            block[j] = CheckpointTensors.element(dtype, bytes, b + j);
          }
          quantizeQ8(block, out.ensure(2 + Q8_BLOCK));
        }
      }
    }
  }

  /** llama.cpp's {@code quantize_row_q8_0_ref} for one block: F16 scale, then 32 int8 values. */
  static void quantizeQ8(float[] block, ByteBuffer out) {
    float amax = 0;
    for (float v : block) {
      amax = Math.max(amax, Math.abs(v));
    }
    float d = amax / 127;
    float id = d != 0 ? 1 / d : 0;
    out.putShort(Float.floatToFloat16(d));
    for (float v : block) {
      float scaled = v * id;
      // C's roundf: halves away from zero (Math.round would take -2.5 to -2)
      out.put((byte) (Math.signum(scaled) * (float) Math.floor(Math.abs(scaled) + 0.5f)));
    }
  }

  /** F32 to BF16, rounding to nearest even as ggml's {@code ggml_compute_fp32_to_bf16}. */
  static short toBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 64);
    }
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The header (magic, counts, metadata, tensor infos), little-endian, in memory. */
  private static final class Header {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 22);
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void u32(int v) {
      bytes.write(scratch.clear().putInt(v).array(), 0, 4);
    }

    void u64(long v) {
      bytes.write(scratch.clear().putLong(v).array(), 0, 8);
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      bytes.write(b, 0, b.length);
    }

    void keyString(String key, String value) {
      string(key);
      u32(STRING);
      string(value);
    }

    void keyU32(String key, int value) {
      string(key);
      u32(UINT32);
      u32(value);
    }

    void keyF32(String key, float value) {
      string(key);
      u32(FLOAT32);
      u32(Float.floatToRawIntBits(value));
    }

    void keyBool(String key, boolean value) {
      string(key);
      u32(BOOL);
      bytes.write(value ? 1 : 0);
    }

    void keyStrings(String key, List<String> values) {
      string(key);
      u32(ARRAY);
      u32(STRING);
      u64(values.size());
      values.forEach(this::string);
    }

    void keyInts(String key, int[] values) {
      string(key);
      u32(ARRAY);
      u32(INT32);
      u64(values.length);
      for (int v : values) {
        u32(v);
      }
    }

    void pad() {
      while (bytes.size() % ALIGNMENT != 0) {
        bytes.write(0);
      }
    }
  }

  /** Tensor data through one reused buffer; tracks the position for alignment padding. */
  private static final class Output {
    private final FileChannel channel;
    private final ByteBuffer buffer =
        ByteBuffer.allocateDirect(16 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    Output(FileChannel channel) {
      this.channel = channel;
    }

    ByteBuffer ensure(int bytes) throws IOException {
      if (buffer.remaining() < bytes) {
        flush();
      }
      return buffer;
    }

    void padTo(int alignment) throws IOException {
      while ((written + buffer.position()) % alignment != 0) {
        ensure(1).put((byte) 0);
      }
    }

    void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        written += channel.write(buffer);
      }
      buffer.clear();
    }
  }
}
