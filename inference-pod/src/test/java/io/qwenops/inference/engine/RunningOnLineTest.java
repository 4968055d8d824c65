package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.WeightFormat;
import org.junit.jupiter.api.Test;

/** The startup line that says where the engine runs, and why the CPU when nobody asked for it. */
class RunningOnLineTest {

  private static final ComputeSetup CPU =
      new ComputeSetup(Device.cpu(), DataType.FLOAT32, WeightFormat.TENSORS);

  @Test
  void aCpuLibtorchIsNamedAsTheReason() {
    assertThat(QwenEngines.where(CPU, "auto", false))
        .isEqualTo(
            "Running on CPU in float32 (this libtorch is a CPU build; GPUs need the CUDA flavour,"
                + " docs/install.md)");
  }

  @Test
  void aCudaLibtorchWithoutAGpuPointsAtTheDriverAndTheCudaRuntime() {
    assertThat(QwenEngines.where(CPU, null, true))
        .contains("CUDA build, but the CUDA runtime reports no GPU")
        .contains("libcudart.so on LD_LIBRARY_PATH");
  }

  @Test
  void noReasonWhenTheCpuWasAskedForOrAGpuIsUsed() {
    assertThat(QwenEngines.where(CPU, "cpu", true)).isEqualTo("Running on CPU in float32");
    assertThat(
            QwenEngines.where(
                new ComputeSetup(Device.gpu(0), DataType.FLOAT16, WeightFormat.TENSORS),
                "auto",
                true))
        .isEqualTo("Running on cuda:0 in float16");
  }
}
