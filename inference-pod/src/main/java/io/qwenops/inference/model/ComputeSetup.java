package io.qwenops.inference.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in which precision the forward pass runs. On CUDA with F16 the weights and matmuls are
 * F16 while norms, softmax and the residual stream stay F32 ({@link #mixed()}), because plain FP16
 * Qwen2 overflows.
 *
 * @param weightType dtype of the projection weights and the KV cache
 */
public record ComputeSetup(Device device, DataType weightType) {

  /** F32 residual stream with lower-precision matmuls. */
  public boolean mixed() {
    return weightType != DataType.FLOAT32;
  }

  /**
   * Resolves the user's choice. {@code device}: auto (a GPU when DJL sees one), cpu, cuda, cuda:N;
   * {@code dtype}: auto (F32 on CPU, F16 on CUDA), float32, float16.
   */
  public static ComputeSetup resolve(String device, String dtype) {
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
    String t = dtype == null ? "auto" : dtype.trim().toLowerCase(Locale.ROOT);
    DataType type =
        switch (t) {
          case "auto" -> chosen.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
          case "float32", "fp32", "f32" -> DataType.FLOAT32;
          case "float16", "fp16", "f16", "half" -> DataType.FLOAT16;
          case "bfloat16", "bf16" ->
              throw new IllegalArgumentException(
                  "dtype bfloat16 is not supported by the PyTorch JNI; use float16 or float32");
          default -> throw new IllegalArgumentException("Unknown dtype '" + dtype + "'");
        };
    return new ComputeSetup(chosen, type);
  }
}
