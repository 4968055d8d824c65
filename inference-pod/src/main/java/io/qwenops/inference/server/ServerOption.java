package io.qwenops.inference.server;

/**
 * Every setting of the server, with its CLI flag ({@code --name}), environment variable (what the
 * operator sets) and config-file key ({@code qwenops.name}). Precedence: flag, env, file, default.
 */
public enum ServerOption {
  MODEL(
      "model",
      "QWENOPS_MODEL",
      "DIR",
      null,
      "Checkpoint directory (config.json, *.safetensors, tokenizer.json), or hf://owner/name@revision to download it into the Hugging Face cache (HF_HOME; HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE honoured)."),
  SERVED_MODEL_NAME(
      "served-model-name",
      "QWENOPS_SERVED_MODEL_NAME",
      "NAME",
      null,
      "Model name clients send and /v1/models lists. Default: the checkpoint directory's name (the repo id for hf://)."),
  HOST("host", "QWENOPS_HOST", "ADDR", "0.0.0.0", "Address to listen on."),
  PORT("port", "QWENOPS_PORT", "PORT", "8000", "HTTP port."),
  DEVICE(
      "device",
      "QWENOPS_DEVICE",
      "DEV",
      null,
      "cpu, cuda or cuda:N. Default: the engine's choice (a GPU when present)."),
  DTYPE(
      "dtype",
      "QWENOPS_DTYPE",
      "TYPE",
      null,
      "Weight/compute type: auto, float32, float16, bfloat16 (CPU). Default: the engine's choice (CPU: bfloat16 for a bfloat16 checkpoint, else float32; CUDA: float16)."),
  QUANTIZATION(
      "quantization",
      "QWENOPS_QUANTIZATION",
      "METHOD",
      null,
      "none or int8 (CPU): weights quantised at load, 32 per F32 scale. Default: none."),
  MAX_MODEL_LEN(
      "max-model-len",
      "QWENOPS_MAX_MODEL_LEN",
      "N",
      null,
      "Context length per sequence (prompt + output). Default: the model's max_position_embeddings."),
  MAX_NUM_SEQS(
      "max-num-seqs", "QWENOPS_MAX_NUM_SEQS", "N", null, "Sequences in the running batch at most."),
  MAX_NUM_BATCHED_TOKENS(
      "max-num-batched-tokens",
      "QWENOPS_MAX_NUM_BATCHED_TOKENS",
      "N",
      null,
      "Tokens (prefill + decode) one engine step may process."),
  GPU_MEMORY_UTILIZATION(
      "gpu-memory-utilization",
      "QWENOPS_GPU_MEMORY_UTILIZATION",
      "FRACTION",
      null,
      "Share of GPU memory the engine may use (weights + KV cache), 0..1."),
  KV_CACHE_MEMORY(
      "kv-cache-memory",
      "QWENOPS_KV_CACHE_MEMORY",
      "BYTES",
      null,
      "KV cache size, e.g. 2GiB or 536870912; overrides gpu-memory-utilization."),
  MAX_WAITING(
      "max-waiting",
      "QWENOPS_MAX_WAITING",
      "N",
      null,
      "Waiting-queue length beyond which requests get 429 + Retry-After."),
  LOGPROBS_MODE(
      "logprobs-mode",
      "QWENOPS_LOGPROBS_MODE",
      "MODE",
      "raw_logprobs",
      "What logprobs report, as vLLM's flag: raw_logprobs (the model's own, before bias, penalties, temperature and top-k/top-p), raw_logits, processed_logprobs or processed_logits (after them)."),
  API_KEY(
      "api-key",
      "QWENOPS_API_KEY",
      "KEY",
      null,
      "Require 'Authorization: Bearer KEY' on /v1/*. Health, metrics and tokenize stay open."),
  MAX_REQUEST_BYTES(
      "max-request-bytes",
      "QWENOPS_MAX_REQUEST_BYTES",
      "BYTES",
      "8MiB",
      "Largest request body accepted (bigger ones get 413)."),
  MAX_PROMPTS_PER_REQUEST(
      "max-prompts-per-request",
      "QWENOPS_MAX_PROMPTS_PER_REQUEST",
      "N",
      "256",
      "Prompts one /v1/completions request may list (more get 400)."),
  MAX_CHOICES_PER_REQUEST(
      "max-choices-per-request",
      "QWENOPS_MAX_CHOICES_PER_REQUEST",
      "N",
      "256",
      "Sequences one request may start, prompts x n (more get 400)."),
  CONFIG(
      "config",
      "QWENOPS_CONFIG",
      "FILE",
      null,
      "YAML file with these settings under 'qwenops:' (keys as the flag names).");

  private final String flag;
  private final String env;
  private final String metavar;
  private final String defaultValue;
  private final String help;

  ServerOption(String flag, String env, String metavar, String defaultValue, String help) {
    this.flag = flag;
    this.env = env;
    this.metavar = metavar;
    this.defaultValue = defaultValue;
    this.help = help;
  }

  public String flag() {
    return flag;
  }

  public String env() {
    return env;
  }

  public String metavar() {
    return metavar;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String help() {
    return help;
  }

  /** The key in Helidon config. */
  public String key() {
    return "qwenops." + flag;
  }

  static ServerOption byFlag(String flag) {
    for (ServerOption o : values()) {
      if (o.flag.equals(flag)) {
        return o;
      }
    }
    return null;
  }
}
