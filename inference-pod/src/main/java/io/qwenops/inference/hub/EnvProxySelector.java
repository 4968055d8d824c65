package io.qwenops.inference.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy that {@code HTTPS_PROXY} / {@code HTTP_PROXY} name (upper or lower case), except for
 * hosts in {@code NO_PROXY}: what curl and huggingface_hub honour, and the JDK does not read. Falls
 * back to the JDK's own selector ({@code -Dhttps.proxyHost}) when neither is set.
 */
final class EnvProxySelector extends ProxySelector {

  private final URI https;
  private final URI http;
  private final List<String> noProxy;

  private EnvProxySelector(URI https, URI http, List<String> noProxy) {
    this.https = https;
    this.http = http;
    this.noProxy = noProxy;
  }

  static ProxySelector fromEnv(Map<String, String> env) {
    URI https = uri(first(env, "HTTPS_PROXY", "https_proxy"));
    URI http = uri(first(env, "HTTP_PROXY", "http_proxy"));
    if (https == null && http == null) {
      return ProxySelector.getDefault();
    }
    String no = first(env, "NO_PROXY", "no_proxy");
    List<String> noProxy =
        no == null
            ? List.of()
            : Arrays.stream(no.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\*?\\.", ""))
                .filter(s -> !s.isEmpty())
                .toList();
    return new EnvProxySelector(https, http, noProxy);
  }

  @Override
  public List<Proxy> select(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    for (String skip : noProxy) {
      if (skip.equals("*") || host.equals(skip) || host.endsWith("." + skip)) {
        return List.of(Proxy.NO_PROXY);
      }
    }
    URI proxy = "https".equalsIgnoreCase(uri.getScheme()) && https != null ? https : http;
    if (proxy == null) {
      return List.of(Proxy.NO_PROXY);
    }
    int port = proxy.getPort() > 0 ? proxy.getPort() : 80;
    return List.of(
        new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.getHost(), port)));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}

  private static String first(Map<String, String> env, String... names) {
    for (String name : names) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static URI uri(String value) {
    if (value == null) {
      return null;
    }
    return URI.create(value.contains("://") ? value : "http://" + value);
  }
}
