package io.qwenops.exporter.nvml;

import java.util.Map;

/** Names for nvmlReturn_t codes, for messages a person reads. */
public final class NvmlReturn {

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(0, "NVML_SUCCESS"),
          Map.entry(1, "NVML_ERROR_UNINITIALIZED"),
          Map.entry(2, "NVML_ERROR_INVALID_ARGUMENT"),
          Map.entry(3, "NVML_ERROR_NOT_SUPPORTED"),
          Map.entry(4, "NVML_ERROR_NO_PERMISSION"),
          Map.entry(5, "NVML_ERROR_ALREADY_INITIALIZED"),
          Map.entry(6, "NVML_ERROR_NOT_FOUND"),
          Map.entry(7, "NVML_ERROR_INSUFFICIENT_SIZE"),
          Map.entry(8, "NVML_ERROR_INSUFFICIENT_POWER"),
          Map.entry(9, "NVML_ERROR_DRIVER_NOT_LOADED"),
          Map.entry(10, "NVML_ERROR_TIMEOUT"),
          Map.entry(11, "NVML_ERROR_IRQ_ISSUE"),
          Map.entry(12, "NVML_ERROR_LIBRARY_NOT_FOUND"),
          Map.entry(13, "NVML_ERROR_FUNCTION_NOT_FOUND"),
          Map.entry(14, "NVML_ERROR_CORRUPTED_INFOROM"),
          Map.entry(15, "NVML_ERROR_GPU_IS_LOST"),
          Map.entry(16, "NVML_ERROR_RESET_REQUIRED"),
          Map.entry(17, "NVML_ERROR_OPERATING_SYSTEM"),
          Map.entry(18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH"),
          Map.entry(19, "NVML_ERROR_IN_USE"),
          Map.entry(20, "NVML_ERROR_MEMORY"),
          Map.entry(21, "NVML_ERROR_NO_DATA"),
          Map.entry(25, "NVML_ERROR_ARGUMENT_VERSION_MISMATCH"),
          Map.entry(999, "NVML_ERROR_UNKNOWN"));

  private NvmlReturn() {}

  public static String name(int code) {
    return NAMES.getOrDefault(code, "NVML_ERROR_" + code);
  }
}
