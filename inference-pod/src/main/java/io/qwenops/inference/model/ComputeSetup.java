package io.qwenops.inference.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in which precision the forward pass runs. On CUDA with F16 the weights and matmuls are
 * F16 while norms, softmax and the residual stream stay F32 ({@link #mixed()}), because plain FP16
 * Qwen2 overflows. On CPU the weights may instead be BF16 or int8 in native memory ({@link
 * WeightFormat}); activations and the KV cache are then F32.
 *
 * @param weightType dtype of the PyTorch tensors: the projection weights when {@code format} is
 *     TENSORS, and the KV cache
 * @param format how the weights are held
 */
public record ComputeSetup(Device device, DataType weightType, WeightFormat format) {

  /** Weights as PyTorch tensors of {@code weightType}. */
  public static ComputeSetup tensors(Device device, DataType weightType) {
    return new ComputeSetup(device, weightType, WeightFormat.TENSORS);
  }

  /** F32 residual stream with lower-precision matmuls. */
  public boolean mixed() {
    return weightType != DataType.FLOAT32;
  }

  /** As {@link #resolve(String, String, String, String)} for an F32 checkpoint, unquantised. */
  public static ComputeSetup resolve(String device, String dtype) {
    return resolve(device, dtype, null, "float32");
  }

  /**
   * Resolves the user's choice. {@code device}: auto (a GPU when DJL sees one), cpu, cuda, cuda:N;
   * {@code dtype}: auto (CUDA: F16; CPU: BF16 when the checkpoint's {@code torch_dtype} is
   * bfloat16, else F32), float32, float16, bfloat16 (CPU only); {@code quantization}: none (or
   * null) or int8 (CPU only, any dtype: the weights are quantised from the checkpoint's values).
   */
  public static ComputeSetup resolve(
      String device, String dtype, String quantization, String checkpointDtype) {
    String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
    Device chosen =
        switch (d) {
          case "auto" ->
              Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
          case "cpu" -> Device.cpu();
          case "cuda", "gpu" -> Device.gpu();
          default -> {
            if (d.startsWith("cuda:")) {
              try {
                yield Device.gpu(Integer.parseInt(d.substring(5)));
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Bad device '" + device + "': use cuda:N");
              }
            }
            throw new IllegalArgumentException(
                "Unknown device '" + device + "': use auto, cpu, cuda or cuda:N");
          }
        };
    if (chosen.isGpu() && chosen.getDeviceId() >= Engine.getEngine("PyTorch").getGpuCount()) {
      throw new IllegalArgumentException(
          "Device "
              + device
              + " was asked for but PyTorch sees "
              + Engine.getEngine("PyTorch").getGpuCount()
              + " GPU(s)");
    }
    String q = quantization == null ? "none" : quantization.trim().toLowerCase(Locale.ROOT);
    if (!q.equals("none") && !q.equals("int8")) {
      throw new IllegalArgumentException(
          "Unknown quantization '" + quantization + "': use none or int8");
    }
    String t = dtype == null ? "auto" : dtype.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto") && !chosen.isGpu()) {
      t = "bfloat16".equalsIgnoreCase(checkpointDtype) ? "bfloat16" : "float32";
    }
    DataType type =
        switch (t) {
          case "auto", "float16", "fp16", "f16", "half" -> DataType.FLOAT16;
          case "float32", "fp32", "f32" -> DataType.FLOAT32;
          case "bfloat16", "bf16" -> {
            if (chosen.isGpu()) {
              throw new IllegalArgumentException(
                  "dtype bfloat16 runs on CPU only (the PyTorch JNI has no BF16 tensors); use"
                      + " float16 on CUDA");
            }
            yield DataType.FLOAT32; // the KV cache and activations; weights stay BF16
          }
          default -> throw new IllegalArgumentException("Unknown dtype '" + dtype + "'");
        };
    if (q.equals("int8")) {
      if (chosen.isGpu()) {
        throw new IllegalArgumentException("quantization int8 runs on CPU only");
      }
      return new ComputeSetup(chosen, DataType.FLOAT32, WeightFormat.INT8);
    }
    if (t.equals("bfloat16") || t.equals("bf16")) {
      return new ComputeSetup(chosen, DataType.FLOAT32, WeightFormat.BF16);
    }
    return tensors(chosen, type);
  }

  /** The weights' precision in words, for logs: float32, float16, bfloat16 or int8. */
  public String weightsName() {
    return switch (format) {
      case TENSORS -> weightType == DataType.FLOAT16 ? "float16" : "float32";
      case BF16 -> "bfloat16";
      case INT8 -> "int8";
    };
  }
}
