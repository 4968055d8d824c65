package io.qwenops.operator.console.server;

import io.qwenops.operator.console.access.AccessMode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code console} flags, each with an environment fallback (flags win): see docs/console.md.
 *
 * @param webDir built web assets to serve instead of the jar's {@code console/} resources (for
 *     development and tests); null for the jar's
 */
public record ConsoleSettings(
    int port,
    String bind,
    AccessMode access,
    Path tokenFile,
    boolean allowInsecureRemote,
    Set<String> watchNamespaces,
    boolean staticMode,
    URI inferenceUrl,
    URI exporterUrl,
    String name,
    String notice,
    Path webDir) {

  static final String USAGE =
      """
      usage: java -jar operator.jar console [flags]
        --port N                   listen port (QWENOPS_CONSOLE_PORT, default 8090)
        --bind ADDRESS             listen address (QWENOPS_CONSOLE_BIND, default 0.0.0.0)
        --access token|kubernetes|none
                                   who may use it (QWENOPS_CONSOLE_ACCESS, default token)
        --token-file FILE          the shared token for --access token (QWENOPS_CONSOLE_TOKEN_FILE)
        --allow-insecure-remote    let --access none listen on a non-loopback address
        --watch-namespaces A,B     namespaces to show (QWENOPS_WATCH_NAMESPACES, default all)
        --static                   no Kubernetes: one local deployment (QWENOPS_CONSOLE_STATIC=true)
        --inference-url URL        static mode: the inference server (QWENOPS_CONSOLE_INFERENCE_URL)
        --exporter-url URL         static mode: the gpu-exporter (QWENOPS_CONSOLE_EXPORTER_URL)
        --name NAME                static mode: the deployment's name (QWENOPS_CONSOLE_NAME, default local)
        --notice TEXT              static mode: a line shown above the deployment (QWENOPS_CONSOLE_NOTICE)
        --web-dir DIR              serve web assets from DIR instead of the jar (QWENOPS_CONSOLE_WEB_DIR)
      """;

  /**
   * @throws IllegalArgumentException with a message that says what to change
   */
  public static ConsoleSettings parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new java.util.HashMap<>();
    Map<String, String> envNames =
        Map.ofEntries(
            Map.entry("port", "QWENOPS_CONSOLE_PORT"),
            Map.entry("bind", "QWENOPS_CONSOLE_BIND"),
            Map.entry("access", "QWENOPS_CONSOLE_ACCESS"),
            Map.entry("token-file", "QWENOPS_CONSOLE_TOKEN_FILE"),
            Map.entry("allow-insecure-remote", "QWENOPS_CONSOLE_ALLOW_INSECURE_REMOTE"),
            Map.entry("watch-namespaces", "QWENOPS_WATCH_NAMESPACES"),
            Map.entry("static", "QWENOPS_CONSOLE_STATIC"),
            Map.entry("inference-url", "QWENOPS_CONSOLE_INFERENCE_URL"),
            Map.entry("exporter-url", "QWENOPS_CONSOLE_EXPORTER_URL"),
            Map.entry("name", "QWENOPS_CONSOLE_NAME"),
            Map.entry("notice", "QWENOPS_CONSOLE_NOTICE"),
            Map.entry("web-dir", "QWENOPS_CONSOLE_WEB_DIR"));
    envNames.forEach(
        (flag, variable) -> {
          String value = env.get(variable);
          if (value != null && !value.isBlank()) {
            values.put(flag, value.strip());
          }
        });
    Set<String> booleans = Set.of("static", "allow-insecure-remote");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
      }
      String flag = arg.substring(2);
      String value = null;
      int eq = flag.indexOf('=');
      if (eq >= 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      if (!envNames.containsKey(flag)) {
        throw new IllegalArgumentException("unknown flag --" + flag + "\n" + USAGE);
      }
      if (value == null) {
        if (booleans.contains(flag)) {
          value = "true";
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("--" + flag + " needs a value\n" + USAGE);
        }
      }
      values.put(flag, value);
    }
    return from(values);
  }

  private static ConsoleSettings from(Map<String, String> v) {
    int port;
    try {
      port = Integer.parseInt(v.getOrDefault("port", "8090"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be a number, got '" + v.get("port") + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    }
    String bind = v.getOrDefault("bind", "0.0.0.0");
    AccessMode access = AccessMode.parse(v.getOrDefault("access", "token"));
    boolean insecure = bool(v, "allow-insecure-remote");
    boolean staticMode = bool(v, "static");
    Path tokenFile = v.containsKey("token-file") ? Path.of(v.get("token-file")) : null;
    if (access == AccessMode.TOKEN && tokenFile == null) {
      throw new IllegalArgumentException(
          "--access token needs --token-file (or QWENOPS_CONSOLE_TOKEN_FILE): the file holding"
              + " the token browsers must send");
    }
    if (access == AccessMode.NONE && !insecure && !isLoopback(bind)) {
      throw new IllegalArgumentException(
          "--access none lets anyone who reaches "
              + bind
              + " use every deployment: bind to 127.0.0.1 (--bind 127.0.0.1), or add"
              + " --allow-insecure-remote if that is really what you want");
    }
    if (access == AccessMode.KUBERNETES && staticMode) {
      throw new IllegalArgumentException(
          "--access kubernetes needs a cluster; static mode has none: use token or none");
    }
    URI inference =
        v.containsKey("inference-url") ? url(v.get("inference-url"), "inference-url") : null;
    URI exporter =
        v.containsKey("exporter-url") ? url(v.get("exporter-url"), "exporter-url") : null;
    if (staticMode && inference == null) {
      throw new IllegalArgumentException(
          "--static needs --inference-url (e.g. http://127.0.0.1:8000)");
    }
    Set<String> namespaces =
        Arrays.stream(v.getOrDefault("watch-namespaces", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toCollection(LinkedHashSet::new));
    return new ConsoleSettings(
        port,
        bind,
        access,
        tokenFile,
        insecure,
        Set.copyOf(namespaces),
        staticMode,
        inference,
        exporter,
        v.getOrDefault("name", "local"),
        v.get("notice"),
        v.containsKey("web-dir") ? Path.of(v.get("web-dir")) : null);
  }

  private static boolean bool(Map<String, String> v, String flag) {
    String value = v.getOrDefault(flag, "false");
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "--" + flag + " is true or false, got '" + value + "'");
    };
  }

  private static URI url(String value, String flag) {
    try {
      URI uri = URI.create(value);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http:// URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be an http://HOST:PORT URL, got '" + value + "'");
    }
  }

  static boolean isLoopback(String bind) {
    if (bind.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
