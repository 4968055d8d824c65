package io.qwenops.inference.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Qwen's byte-level BPE tokenizer: DJL's HuggingFaceTokenizer for encoding (no BOS/EOS added,
 * special tokens in the text recognised), plus each token's raw bytes, read from tokenizer.json,
 * for exact UTF-8-safe streaming detokenisation.
 */
public final class QwenTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final byte[][] tokenBytes;
  private final boolean[] special;
  private final Map<String, Integer> addedTokens;
  private final boolean[] added;

  private QwenTokenizer(
      HuggingFaceTokenizer tokenizer,
      byte[][] tokenBytes,
      boolean[] special,
      Map<String, Integer> addedTokens) {
    this.tokenizer = tokenizer;
    this.tokenBytes = tokenBytes;
    this.special = special;
    this.addedTokens = addedTokens;
    this.added = new boolean[tokenBytes.length];
    for (int id : addedTokens.values()) {
      added[id] = true;
    }
  }

  public static QwenTokenizer load(Path modelDir) throws IOException {
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException("No tokenizer.json in " + modelDir);
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    JsonNode vocab = json.path("model").path("vocab");
    if (!vocab.isObject()) {
      throw new IOException(file + ": no BPE vocabulary (model.vocab)");
    }
    int size = 0;
    for (JsonNode id : vocab) {
      size = Math.max(size, id.asInt() + 1);
    }
    for (JsonNode added : json.path("added_tokens")) {
      size = Math.max(size, added.path("id").asInt() + 1);
    }
    byte[][] bytes = new byte[size][];
    boolean[] special = new boolean[size];
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      bytes[e.getValue().asInt()] = ByteLevel.decode(e.getKey());
    }
    Map<String, Integer> added = new HashMap<>();
    for (JsonNode token : json.path("added_tokens")) {
      int id = token.path("id").asInt();
      String content = token.path("content").asText();
      bytes[id] = content.getBytes(StandardCharsets.UTF_8);
      special[id] = token.path("special").asBoolean(false);
      added.put(content, id);
    }
    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", "false");
    options.put("truncation", "false");
    options.put("padding", "false");
    options.put("maxLength", String.valueOf(Integer.MAX_VALUE / 2));
    HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, options);
    return new QwenTokenizer(tokenizer, bytes, special, Map.copyOf(added));
  }

  public int[] encode(String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  public String decode(int[] ids, boolean skipSpecial) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int id : ids) {
      if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
        continue;
      }
      if (skipSpecial && special[id]) {
        continue;
      }
      out.writeBytes(tokenBytes[id]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The token's own text (a lone piece of a multi-byte character decodes to U+FFFD). */
  public String tokenText(int id) {
    byte[] b = tokenBytes(id);
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  /** The raw bytes a token stands for, or null for ids outside the vocabulary. */
  public byte[] tokenBytes(int id) {
    return id >= 0 && id < tokenBytes.length ? tokenBytes[id] : null;
  }

  /** Special tokens (e.g. {@code <|im_end|>}) are skipped in generated text, as vLLM does. */
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }

  /** Number of token ids the tokenizer knows (smaller than the model's padded vocabulary). */
  public int vocabSize() {
    return tokenBytes.length;
  }

  /** Whether the id is an added token ({@code <|im_end|>}, {@code <tool_call>}, ...). */
  public boolean isAdded(int id) {
    return id >= 0 && id < added.length && added[id];
  }

  /** The id of an added token such as {@code <|im_end|>}, or null when there is none. */
  public Integer tokenId(String token) {
    return addedTokens.get(token);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
