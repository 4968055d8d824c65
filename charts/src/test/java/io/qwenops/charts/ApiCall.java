package io.qwenops.charts;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API request as RBAC sees it: verb, group, resource (with subresource) and namespace (null for
 * cluster-wide requests).
 */
record ApiCall(String verb, String group, String resource, String namespace) {

  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)"
              + "(?:/namespaces/(?<ns>[^/]+))?/(?<resource>[^/?]+)(?:/(?<name>[^/?]+))?(?:/(?<sub>[^/?]+))?(?:\\?(?<query>.*))?$");

  static Optional<ApiCall> parse(String method, String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    String group = m.group("group") == null ? "" : m.group("group");
    String resource = m.group("resource");
    String ns = m.group("ns");
    if (resource.equals("namespaces") && m.group("name") != null && m.group("sub") != null) {
      return Optional.empty(); // not produced by the operator; keeps the parser simple
    }
    String name = m.group("name");
    if (m.group("sub") != null) {
      resource = resource + "/" + m.group("sub");
    }
    String query = m.group("query") == null ? "" : m.group("query");
    String verb =
        switch (method) {
          case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return Optional.of(new ApiCall(verb, group, resource, ns));
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "core" : group)
        + "/"
        + resource
        + (namespace == null ? "" : " in " + namespace);
  }
}
