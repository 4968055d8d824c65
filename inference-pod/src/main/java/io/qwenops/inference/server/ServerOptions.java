package io.qwenops.inference.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.engine.LogprobsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server's settings, read through Helidon config from CLI flags, environment variables and an
 * optional YAML file (in that order of precedence).
 */
public record ServerOptions(
    String model,
    String servedModelName,
    String host,
    int port,
    String device,
    String dtype,
    String quantization,
    Integer maxModelLen,
    Integer maxNumSeqs,
    Integer maxNumBatchedTokens,
    Double gpuMemoryUtilization,
    Long kvCacheBytes,
    Integer maxWaiting,
    String apiKey,
    long maxRequestBytes,
    RequestLimits requestLimits,
    boolean help,
    LogprobsMode logprobsMode) {

  public static ServerOptions parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("Unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      ServerOption option = ServerOption.byFlag(name);
      if (option == null) {
        throw new UsageException("Unknown option --" + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value (" + option.metavar() + ")");
        }
        value = args[++i];
      }
      flags.put(option.key(), value);
    }
    if (help) {
      return new ServerOptions(
          null,
          null,
          null,
          0,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          0,
          null,
          true,
          LogprobsMode.RAW_LOGPROBS);
    }
    Map<String, String> fromEnv = new HashMap<>();
    for (ServerOption o : ServerOption.values()) {
      String v = env.get(o.env());
      if (v != null && !v.isBlank()) {
        fromEnv.put(o.key(), v);
      }
    }
    Config.Builder builder =
        Config.builder()
            .disableEnvironmentVariablesSource()
            .disableSystemPropertiesSource()
            .addSource(ConfigSources.create(flags))
            .addSource(ConfigSources.create(fromEnv));
    String file =
        Optional.ofNullable(flags.get(ServerOption.CONFIG.key()))
            .orElse(fromEnv.get(ServerOption.CONFIG.key()));
    if (file != null) {
      if (!Files.isRegularFile(Path.of(file))) {
        throw new UsageException("Config file " + file + " does not exist");
      }
      builder.addSource(ConfigSources.file(file).build());
    }
    return from(builder.build());
  }

  private static ServerOptions from(Config config) {
    String modelDir = string(config, ServerOption.MODEL);
    if (modelDir == null) {
      throw new UsageException("No model: pass --model DIR or set QWENOPS_MODEL");
    }
    String model =
        ModelLocation.isHuggingFace(modelDir)
            ? modelDir
            : Path.of(modelDir).toAbsolutePath().normalize().toString();
    String served = string(config, ServerOption.SERVED_MODEL_NAME);
    if (served == null) {
      served = ModelLocation.defaultServedName(modelDir);
    }
    Double utilization = decimal(config, ServerOption.GPU_MEMORY_UTILIZATION);
    if (utilization != null && !(utilization > 0 && utilization <= 1)) {
      throw new UsageException("--gpu-memory-utilization must be in (0, 1], got " + utilization);
    }
    Long kvBytes = bytes(config, ServerOption.KV_CACHE_MEMORY);
    Long maxBody = bytes(config, ServerOption.MAX_REQUEST_BYTES);
    return new ServerOptions(
        model,
        served,
        string(config, ServerOption.HOST),
        integer(config, ServerOption.PORT, 0, 65535),
        string(config, ServerOption.DEVICE),
        string(config, ServerOption.DTYPE),
        string(config, ServerOption.QUANTIZATION),
        zeroMeansUnset(integer(config, ServerOption.MAX_MODEL_LEN, 0, Integer.MAX_VALUE)),
        integer(config, ServerOption.MAX_NUM_SEQS, 1, Integer.MAX_VALUE),
        integer(config, ServerOption.MAX_NUM_BATCHED_TOKENS, 1, Integer.MAX_VALUE),
        utilization,
        kvBytes,
        integer(config, ServerOption.MAX_WAITING, 0, Integer.MAX_VALUE),
        string(config, ServerOption.API_KEY),
        maxBody,
        new RequestLimits(
            integer(config, ServerOption.MAX_PROMPTS_PER_REQUEST, 1, Integer.MAX_VALUE),
            integer(config, ServerOption.MAX_CHOICES_PER_REQUEST, 1, Integer.MAX_VALUE)),
        false,
        logprobsMode(config));
  }

  private static LogprobsMode logprobsMode(Config config) {
    try {
      return LogprobsMode.parse(string(config, ServerOption.LOGPROBS_MODE));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + ServerOption.LOGPROBS_MODE.flag() + ": " + e.getMessage());
    }
  }

  /** 0 for the context length means "the model's own", as an unset value does. */
  private static Integer zeroMeansUnset(Integer value) {
    return value == null || value == 0 ? null : value;
  }

  private static String string(Config config, ServerOption o) {
    return config.get(o.key()).asString().filter(s -> !s.isBlank()).orElse(o.defaultValue());
  }

  private static Integer integer(Config config, ServerOption o, long min, long max) {
    String s = string(config, o);
    if (s == null) {
      return null;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v < min || v > max) {
        throw new UsageException(
            "--" + o.flag() + " must be in [" + min + ", " + max + "], got " + s);
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + o.flag() + " must be an integer, got '" + s + "'");
    }
  }

  private static Double decimal(Config config, ServerOption o) {
    String s = string(config, o);
    if (s == null) {
      return null;
    }
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + o.flag() + " must be a number, got '" + s + "'");
    }
  }

  /** Plain bytes or a size with KB/MB/GB (powers of 1000) or KiB/MiB/GiB (powers of 1024). */
  static Long bytes(Config config, ServerOption o) {
    String s = string(config, o);
    if (s == null) {
      return null;
    }
    String v = s.trim().toLowerCase(Locale.ROOT);
    String[][] units = {
      {"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"kb", "1000"}, {"mb", "1000000"},
      {"gb", "1000000000"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"}
    };
    long factor = 1;
    for (String[] u : units) {
      if (v.endsWith(u[0])) {
        factor = Long.parseLong(u[1]);
        v = v.substring(0, v.length() - u[0].length()).trim();
        break;
      }
    }
    try {
      double n = Double.parseDouble(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return (long) (n * factor);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + o.flag() + " must be a size like 2GiB, got '" + s + "'");
    }
  }

  /** The text {@code --help} prints. */
  public static String helpText() {
    StringBuilder out = new StringBuilder();
    out.append("Usage: java -jar inference-pod.jar --model DIR [options]\n\n")
        .append("Serves a Qwen 2.5 checkpoint over the OpenAI API (chat, completions, models),\n")
        .append(
            "with /health, /health/live, /metrics (vLLM names), /tokenize, /detokenize, /version.\n\n")
        .append(
            "Offline batch over a JSONL file, no server: java -jar inference-pod.jar batch --help\n\n")
        .append("Options (flag / environment variable / default):\n");
    for (ServerOption o : ServerOption.values()) {
      out.append(String.format("  --%s %s%n", o.flag(), o.metavar()))
          .append(
              String.format(
                  "      env %s%s%n",
                  o.env(), o.defaultValue() == null ? "" : ", default " + o.defaultValue()))
          .append("      ")
          .append(o.help())
          .append('\n');
    }
    out.append("  --help\n      Print this text.\n\n")
        .append("Config file keys are the flag names under 'qwenops:'; flags beat env beat file.\n")
        .append(
            "QWENOPS_GPU_UUIDS_FILE (env only): once loaded on a GPU, the server writes the GPU\n")
        .append(
            "UUIDs listed in NVIDIA_VISIBLE_DEVICES there, one per line, for the gpu-exporter.\n");
    return out.toString();
  }
}
