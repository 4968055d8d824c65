package io.qwenops.inference.model;

import java.util.Locale;

/**
 * The architecture numbers of a Qwen 2.5 size, as its {@code config.json} gives them. {@link
 * #withLayers} keeps every width real while cutting depth, for fast loading tests.
 */
public record ModelShape(
    String name,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int vocabSize,
    boolean tieWordEmbeddings) {

  /**
   * A few layers, small widths, the real vocabulary (so the real tokenizer works). Untied: with
   * tied random embeddings a shallow model mostly repeats its input token.
   */
  public static final ModelShape TINY = new ModelShape("tiny", 64, 160, 2, 4, 2, 151936, false);

  public static final ModelShape QWEN25_0_5B =
      new ModelShape("0.5b", 896, 4864, 24, 14, 2, 151936, true);
  public static final ModelShape QWEN25_1_5B =
      new ModelShape("1.5b", 1536, 8960, 28, 12, 2, 151936, true);
  public static final ModelShape QWEN25_3B =
      new ModelShape("3b", 2048, 11008, 36, 16, 2, 151936, true);
  public static final ModelShape QWEN25_7B =
      new ModelShape("7b", 3584, 18944, 28, 28, 4, 152064, false);

  public static ModelShape preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny" -> TINY;
      case "0.5b" -> QWEN25_0_5B;
      case "1.5b" -> QWEN25_1_5B;
      case "3b" -> QWEN25_3B;
      case "7b" -> QWEN25_7B;
      default ->
          throw new IllegalArgumentException(
              "Unknown preset '" + name + "': use tiny, 0.5b, 1.5b, 3b or 7b");
    };
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  public ModelShape withLayers(int layers) {
    return new ModelShape(
        name,
        hiddenSize,
        intermediateSize,
        layers,
        numAttentionHeads,
        numKeyValueHeads,
        vocabSize,
        tieWordEmbeddings);
  }

  public ModelShape withTiedEmbeddings(boolean tied) {
    return new ModelShape(
        name,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        vocabSize,
        tied);
  }
}
