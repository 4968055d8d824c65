package io.qwenops.inference.model;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.matvec.Matrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a checkpoint into BF16 or int8 {@link CpuWeights}: each weight is written once into native
 * memory in its final (fused) place, from the tensor mapped for just that copy. BF16 tensors of a
 * BF16 checkpoint are copied byte for byte; other dtypes are rounded to bf16 or quantised per group
 * of 32 a row at a time. No F32 copy of a matrix ever exists.
 */
final class PackedWeightLoader {

  private PackedWeightLoader() {}

  static Qwen2Weights load(Path modelDir, ModelConfig config, ComputeSetup setup)
      throws IOException {
    Matrix.Encoding encoding =
        setup.format() == WeightFormat.INT8 ? Matrix.Encoding.Q8 : Matrix.Encoding.BF16;
    Arena arena = Arena.ofShared();
    NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch");
    try (CheckpointTensors tensors = CheckpointTensors.open(modelDir)) {
      long h = config.hiddenSize();
      long q = (long) config.numAttentionHeads() * config.headDim();
      long kv = (long) config.numKeyValueHeads() * config.headDim();
      long inter = config.intermediateSize();
      long vocab = config.vocabSize();
      Packer packer = new Packer(tensors, encoding, arena);
      Matrix embedding =
          packer.matrix(new String[] {"model.embed_tokens.weight"}, new long[] {vocab}, h);
      List<CpuWeights.Layer> layers = new ArrayList<>();
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        String p = "model.layers." + i + ".";
        String[] qkv = {p + "self_attn.q_proj.", p + "self_attn.k_proj.", p + "self_attn.v_proj."};
        long[] qkvRows = {q, kv, kv};
        layers.add(
            new CpuWeights.Layer(
                tensors.floats(p + "input_layernorm.weight", new long[] {h}),
                packer.matrix(suffixed(qkv, "weight"), qkvRows, h),
                packer.bias(suffixed(qkv, "bias"), qkvRows),
                packer.matrix(new String[] {p + "self_attn.o_proj.weight"}, new long[] {h}, q),
                tensors.floats(p + "post_attention_layernorm.weight", new long[] {h}),
                packer.matrix(
                    new String[] {p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"},
                    new long[] {inter, inter},
                    h),
                packer.matrix(new String[] {p + "mlp.down_proj.weight"}, new long[] {h}, inter)));
      }
      float[] finalNorm = tensors.floats("model.norm.weight", new long[] {h});
      // Tied checkpoints may still carry a copy of lm_head.weight; transformers ignores it.
      Matrix lmHead =
          config.tieWordEmbeddings()
              ? embedding
              : packer.matrix(new String[] {"lm_head.weight"}, new long[] {vocab}, h);
      CpuWeights cpu = new CpuWeights(layers, embedding, finalNorm, lmHead, arena);
      return new Qwen2Weights(config, setup, manager, null, List.of(), null, null, cpu);
    } catch (IOException | RuntimeException e) {
      arena.close();
      manager.close();
      throw e;
    }
  }

  private static String[] suffixed(String[] prefixes, String suffix) {
    return Arrays.stream(prefixes).map(p -> p + suffix).toArray(String[]::new);
  }

  /** Copies tensors into fused matrices of one encoding. */
  private record Packer(CheckpointTensors tensors, Matrix.Encoding encoding, Arena arena) {

    /** The named [rows[i], cols] tensors stacked into one matrix, in order. */
    Matrix matrix(String[] names, long[] rows, long cols) throws IOException {
      long total = Arrays.stream(rows).sum();
      Matrix m = Matrix.allocate(encoding, Math.toIntExact(total), Math.toIntExact(cols), arena);
      int at = 0;
      float[] row = new float[(int) cols];
      for (int i = 0; i < names.length; i++) {
        try (Arena mapping = Arena.ofConfined()) {
          MemorySegment source = tensors.map(names[i], new long[] {rows[i], cols}, mapping);
          String dtype = tensors.info(names[i]).dtype();
          if (dtype.equals("BF16") && encoding == Matrix.Encoding.BF16) {
            MemorySegment.copy(source, 0, m.data(), (long) at * cols * 2, source.byteSize());
          } else {
            for (int r = 0; r < rows[i]; r++) {
              long base = r * cols;
              for (int k = 0; k < cols; k++) {
                row[k] = CheckpointTensors.element(dtype, source, base + k);
              }
              m.setRow(at + r, row, 0);
            }
          }
        }
        at += (int) rows[i];
      }
      return m;
    }

    float[] bias(String[] names, long[] sizes) throws IOException {
      float[] out = new float[Math.toIntExact(Arrays.stream(sizes).sum())];
      int at = 0;
      for (int i = 0; i < names.length; i++) {
        float[] part = tensors.floats(names[i], new long[] {sizes[i]});
        System.arraycopy(part, 0, out, at, part.length);
        at += part.length;
      }
      return out;
    }
  }
}
