package io.qwenops.exporter.nvml;

/** An NVML call that did not return NVML_SUCCESS: the code, its name and the library's own text. */
public final class NvmlException extends RuntimeException {

  private final int code;

  public NvmlException(String function, int code, String description) {
    super(function + " failed: " + description + " (" + NvmlReturn.name(code) + ", " + code + ")");
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The GPU or this driver cannot report it: asking again will not help. */
  public boolean notSupported() {
    return code == NvmlLibrary.ERROR_NOT_SUPPORTED || code == NvmlLibrary.ERROR_FUNCTION_NOT_FOUND;
  }

  public boolean gpuLost() {
    return code == NvmlLibrary.ERROR_GPU_IS_LOST;
  }
}
