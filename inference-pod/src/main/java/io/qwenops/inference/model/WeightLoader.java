package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a Qwen2 checkpoint into {@link Qwen2Weights}, fusing projections and checking shapes. */
public final class WeightLoader {

  private WeightLoader() {}

  public static Qwen2Weights load(Path modelDir, ModelConfig config, ComputeSetup setup)
      throws IOException {
    NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch");
    try (CheckpointTensors tensors = CheckpointTensors.open(modelDir);
        NDManager staging = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      long h = config.hiddenSize();
      long q = (long) config.numAttentionHeads() * config.headDim();
      long kv = (long) config.numKeyValueHeads() * config.headDim();
      long inter = config.intermediateSize();
      long vocab = config.vocabSize();
      Loader loader = new Loader(tensors, staging, manager, setup);

      NDArray embedding = loader.weight("model.embed_tokens.weight", vocab, h);
      List<LayerWeights> layers = new ArrayList<>();
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        String p = "model.layers." + i + ".";
        layers.add(
            new LayerWeights(
                loader.norm(p + "input_layernorm.weight", h),
                loader.fused(
                    new String[] {
                      p + "self_attn.q_proj.weight",
                      p + "self_attn.k_proj.weight",
                      p + "self_attn.v_proj.weight"
                    },
                    new long[] {q, kv, kv},
                    h),
                loader.fusedBias(
                    new String[] {
                      p + "self_attn.q_proj.bias",
                      p + "self_attn.k_proj.bias",
                      p + "self_attn.v_proj.bias"
                    },
                    new long[] {q, kv, kv}),
                loader.weight(p + "self_attn.o_proj.weight", h, q),
                loader.norm(p + "post_attention_layernorm.weight", h),
                loader.fused(
                    new String[] {p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"},
                    new long[] {inter, inter},
                    h),
                loader.weight(p + "mlp.down_proj.weight", h, inter)));
      }
      NDArray finalNorm = loader.norm("model.norm.weight", h);
      // Tied checkpoints may still carry a copy of lm_head.weight; transformers ignores it.
      NDArray lmHead =
          config.tieWordEmbeddings() ? embedding : loader.weight("lm_head.weight", vocab, h);
      return new Qwen2Weights(config, setup, manager, embedding, layers, finalNorm, lmHead);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Loads into CPU staging as F32, then moves/casts into the long-lived manager. */
  private record Loader(
      CheckpointTensors tensors, NDManager staging, NDManager target, ComputeSetup setup) {

    NDArray weight(String name, long rows, long cols) throws IOException {
      try (NDManager scope = staging.newSubManager()) {
        NDArray f32 = tensors.loadF32(name, new long[] {rows, cols}, scope);
        return place(f32, setup.weightType());
      }
    }

    NDArray norm(String name, long size) throws IOException {
      try (NDManager scope = staging.newSubManager()) {
        return place(tensors.loadF32(name, new long[] {size}, scope), DataType.FLOAT32);
      }
    }

    NDArray fused(String[] names, long[] rows, long cols) throws IOException {
      try (NDManager scope = staging.newSubManager()) {
        NDList parts = new NDList();
        for (int i = 0; i < names.length; i++) {
          parts.add(tensors.loadF32(names[i], new long[] {rows[i], cols}, scope));
        }
        return place(NDArrays.concat(parts, 0), setup.weightType());
      }
    }

    NDArray fusedBias(String[] names, long[] sizes) throws IOException {
      try (NDManager scope = staging.newSubManager()) {
        NDList parts = new NDList();
        for (int i = 0; i < names.length; i++) {
          parts.add(tensors.loadF32(names[i], new long[] {sizes[i]}, scope));
        }
        return place(NDArrays.concat(parts, 0), setup.weightType());
      }
    }

    /** A copy owned by the target manager (the staged array dies with its scope). */
    private NDArray place(NDArray staged, DataType type) {
      NDArray cast = staged.toType(type, false).toDevice(setup.device(), false);
      NDArray owned = cast == staged ? staged.duplicate() : cast;
      owned.attach(target);
      return owned;
    }
  }
}
