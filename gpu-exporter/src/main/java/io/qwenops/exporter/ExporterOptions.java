package io.qwenops.exporter;

import io.qwenops.exporter.visibility.GpuFilterMode;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** Every setting of the exporter, resolved from flags, environment, config file and defaults. */
public record ExporterOptions(
    String host,
    int port,
    Duration interval,
    Duration history,
    Duration connectHistory,
    int clientQueue,
    int maxClients,
    Duration sendTimeout,
    Duration pingInterval,
    int sendBufferKb,
    String nvmlLibrary,
    Duration nvmlRetry,
    String gpuUuids,
    Path gpuUuidsFile,
    GpuFilterMode gpuFilter,
    Access access,
    Identity identity) {

  /** Environment variable holding the bearer token itself (no flag: a flag shows in {@code ps}). */
  public static final String TOKEN_ENV = "QWENOPS_EXPORTER_TOKEN";

  /**
   * Where the bearer token comes from: a file (a mounted Secret, re-read when it changes) or a
   * value from the environment; neither means every route is open.
   */
  public record Access(Path tokenFile, String token) {

    public boolean open() {
      return tokenFile == null && token == null;
    }

    @Override
    public String toString() {
      return "Access[tokenFile=" + tokenFile + ", token=" + (token == null ? "none" : "***") + "]";
    }
  }

  /** Below this NVML reads start to dominate a core; the issue sets it as the floor. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  /** Whose telemetry this is: Downward API facts and the container the GPUs belong to. */
  public record Identity(
      String hostname, String pod, String namespace, String node, String container) {

    public boolean inPod() {
      return !pod.isEmpty();
    }
  }

  public static final ExporterOptions DEFAULTS = parse(new String[0], Map.of());

  public ExporterOptions {
    if (port < 0 || port > 65535) {
      throw new OptionsException("--port must be 0..65535, got " + port);
    }
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new OptionsException(
          "--interval-ms must be at least "
              + MIN_INTERVAL.toMillis()
              + " ms, got "
              + interval.toMillis());
    }
    if (history.compareTo(interval) < 0) {
      throw new OptionsException("--history-minutes must hold at least one interval");
    }
    if (clientQueue < 1) {
      throw new OptionsException("--client-queue must be at least 1, got " + clientQueue);
    }
    if (maxClients < 1) {
      throw new OptionsException("--max-clients must be at least 1, got " + maxClients);
    }
    if (sendTimeout.isNegative() || sendTimeout.isZero()) {
      throw new OptionsException("--send-timeout-seconds must be positive");
    }
    if (sendBufferKb < 0) {
      throw new OptionsException("--send-buffer-kb must not be negative");
    }
    if (nvmlRetry.isNegative() || nvmlRetry.isZero()) {
      throw new OptionsException("--nvml-retry-seconds must be positive");
    }
    if (pingInterval.isNegative() || pingInterval.isZero()) {
      throw new OptionsException("--ping-seconds must be positive");
    }
  }

  /** Samples the history ring buffer holds. */
  public int historySamples() {
    return (int) (history.toMillis() / interval.toMillis());
  }

  /**
   * Resolves every option. Flags are {@code --name value} or {@code --name=value}.
   *
   * @throws OptionsException for an unknown flag, a missing value, an unreadable file or a bad
   *     number
   */
  public static ExporterOptions parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = flags(args);
    Map<String, String> file = new HashMap<>();
    String configPath = pick(OptionSpec.CONFIG, flags, env, Map.of());
    if (!configPath.isEmpty()) {
      file = readFile(Path.of(configPath));
    }
    Map<String, String> resolved = new HashMap<>();
    for (OptionSpec spec : OptionSpec.ALL) {
      resolved.put(spec.name(), pick(spec, flags, env, file));
    }
    String hostname = resolved.get(OptionSpec.HOSTNAME.name());
    return new ExporterOptions(
        resolved.get(OptionSpec.HOST.name()),
        integer(OptionSpec.PORT, resolved),
        Duration.ofMillis(integer(OptionSpec.INTERVAL_MS, resolved)),
        Duration.ofMillis(Math.round(decimal(OptionSpec.HISTORY_MINUTES, resolved) * 60_000)),
        Duration.ofSeconds(integer(OptionSpec.CONNECT_HISTORY_SECONDS, resolved)),
        integer(OptionSpec.CLIENT_QUEUE, resolved),
        integer(OptionSpec.MAX_CLIENTS, resolved),
        Duration.ofSeconds(integer(OptionSpec.SEND_TIMEOUT_SECONDS, resolved)),
        Duration.ofSeconds(integer(OptionSpec.PING_SECONDS, resolved)),
        integer(OptionSpec.SEND_BUFFER_KB, resolved),
        resolved.get(OptionSpec.NVML_LIBRARY.name()),
        Duration.ofSeconds(integer(OptionSpec.NVML_RETRY_SECONDS, resolved)),
        resolved.get(OptionSpec.GPU_UUIDS.name()),
        blankToNull(resolved.get(OptionSpec.GPU_UUIDS_FILE.name())),
        filterMode(resolved.get(OptionSpec.GPU_FILTER.name())),
        access(resolved.get(OptionSpec.TOKEN_FILE.name()), env.get(TOKEN_ENV)),
        new Identity(
            hostname.isEmpty() ? localHostName() : hostname,
            resolved.get(OptionSpec.POD.name()),
            resolved.get(OptionSpec.NAMESPACE.name()),
            resolved.get(OptionSpec.NODE.name()),
            resolved.get(OptionSpec.CONTAINER.name())));
  }

  /** True when {@code --help} or {@code -h} is among the arguments. */
  public static boolean wantsHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** The text {@code --help} prints: every option with its environment variable and default. */
  public static String help() {
    StringBuilder out = new StringBuilder();
    out.append("Usage: java -jar gpu-exporter.jar [options]\n\n");
    out.append(
        "GPU telemetry sidecar: NVML -> WebSocket /ws/gpu, REST /api/gpu, /metrics, /health.\n");
    out.append("Each option may also come from its environment variable or, without the dashes,\n");
    out.append(
        "from the --config properties file. Flags win over environment, environment over file.\n\n");
    for (OptionSpec spec : OptionSpec.ALL) {
      out.append(String.format(Locale.ROOT, "  %-28s %s%n", spec.flag() + " VALUE", spec.help()));
      String dflt = spec.defaultValue().isEmpty() ? "" : ", default " + spec.defaultValue();
      out.append(String.format(Locale.ROOT, "  %-28s (env %s%s)%n", "", spec.env(), dflt));
    }
    out.append(String.format(Locale.ROOT, "  %-28s %s%n", "--help", "print this and exit"));
    out.append(
        "\nEnvironment only: "
            + TOKEN_ENV
            + " = the bearer token itself (used when no token file is set).\n");
    return out.toString();
  }

  private static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new OptionsException("unexpected argument '" + arg + "' (see --help)");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new OptionsException("--" + name + " needs a value");
      }
      String known = name;
      if (OptionSpec.ALL.stream().noneMatch(s -> s.name().equals(known))) {
        throw new OptionsException("unknown option --" + name + " (see --help)");
      }
      flags.put(name, value);
    }
    return flags;
  }

  private static String pick(
      OptionSpec spec,
      Map<String, String> flags,
      Map<String, String> env,
      Map<String, String> file) {
    if (flags.containsKey(spec.name())) {
      return flags.get(spec.name()).trim();
    }
    String fromEnv = env.get(spec.env());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    if (file.containsKey(spec.name())) {
      return file.get(spec.name()).trim();
    }
    return spec.defaultValue();
  }

  private static Map<String, String> readFile(Path path) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new OptionsException("cannot read config file " + path + ": " + e);
    }
    Map<String, String> values = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (OptionSpec.ALL.stream().noneMatch(s -> s.name().equals(key))) {
        throw new OptionsException("unknown key '" + key + "' in config file " + path);
      }
      values.put(key, properties.getProperty(key));
    }
    return values;
  }

  private static int integer(OptionSpec spec, Map<String, String> resolved) {
    String value = resolved.get(spec.name());
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new OptionsException(
          spec.flag() + " (env " + spec.env() + ") must be a whole number, got '" + value + "'");
    }
  }

  private static double decimal(OptionSpec spec, Map<String, String> resolved) {
    String value = resolved.get(spec.name());
    try {
      double d = Double.parseDouble(value);
      if (!Double.isFinite(d) || d <= 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new OptionsException(
          spec.flag() + " (env " + spec.env() + ") must be a positive number, got '" + value + "'");
    }
  }

  private static GpuFilterMode filterMode(String value) {
    try {
      return GpuFilterMode.valueOf(value.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OptionsException("--gpu-filter must be auto, on or off, got '" + value + "'");
    }
  }

  /** The token file wins over the token variable, so a mounted Secret is what counts. */
  private static Access access(String tokenFile, String token) {
    if (!tokenFile.isEmpty()) {
      return new Access(Path.of(tokenFile), null);
    }
    if (token != null && !token.isBlank()) {
      return new Access(null, token.strip());
    }
    return new Access(null, null);
  }

  private static Path blankToNull(String value) {
    return value.isEmpty() ? null : Path.of(value);
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
