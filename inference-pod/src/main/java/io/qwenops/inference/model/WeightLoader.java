package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Qwen2 checkpoint into {@link Qwen2Weights}, fusing projections and checking shapes: as
 * PyTorch tensors, or through {@link PackedWeightLoader} for BF16/int8 weights.
 */
public final class WeightLoader {

  private WeightLoader() {}

  public static Qwen2Weights load(Path modelDir, ModelConfig config, ComputeSetup setup)
      throws IOException {
    if (setup.format() != WeightFormat.TENSORS) {
      return PackedWeightLoader.load(modelDir, config, setup);
    }
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
      return new Qwen2Weights(config, setup, manager, embedding, layers, finalNorm, lmHead, null);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads each weight as F32 on the CPU straight into its final (fused) array, then casts/moves it
   * when the compute setup wants F16 or a GPU.
   */
  private record Loader(
      CheckpointTensors tensors, NDManager staging, NDManager target, ComputeSetup setup) {

    NDArray weight(String name, long rows, long cols) throws IOException {
      return fused(new String[] {name}, new long[] {rows}, cols);
    }

    NDArray norm(String name, long size) throws IOException {
      NDArray f32 = staging.create(new Shape(size), DataType.FLOAT32);
      tensors.copyInto(name, new long[] {size}, f32, 0);
      return place(f32, DataType.FLOAT32);
    }

    NDArray fused(String[] names, long[] rows, long cols) throws IOException {
      long total = java.util.Arrays.stream(rows).sum();
      NDArray f32 = staging.create(new Shape(total, cols), DataType.FLOAT32);
      long at = 0;
      for (int i = 0; i < names.length; i++) {
        tensors.copyInto(names[i], new long[] {rows[i], cols}, f32, at);
        at += rows[i];
      }
      return place(f32, setup.weightType());
    }

    NDArray fusedBias(String[] names, long[] sizes) throws IOException {
      long total = java.util.Arrays.stream(sizes).sum();
      NDArray f32 = staging.create(new Shape(total), DataType.FLOAT32);
      long at = 0;
      for (int i = 0; i < names.length; i++) {
        NDArray part = staging.create(new Shape(sizes[i]), DataType.FLOAT32);
        tensors.copyInto(names[i], new long[] {sizes[i]}, part, 0);
        f32.set(new ai.djl.ndarray.index.NDIndex(at + ":" + (at + sizes[i])), part);
        part.close();
        at += sizes[i];
      }
      return place(f32, setup.weightType());
    }

    /**
     * Moves the staged F32 array into the long-lived manager, moved and cast as the setup wants,
     * closing intermediates at once (so a 7B load never holds a second full copy).
     */
    private NDArray place(NDArray staged, DataType type) {
      NDArray onDevice = staged.toDevice(setup.device(), false);
      NDArray cast = onDevice.toType(type, false);
      cast.attach(target);
      if (onDevice != staged && onDevice != cast) {
        onDevice.close();
      }
      if (staged != cast) {
        staged.close();
      }
      return cast;
    }
  }
}
