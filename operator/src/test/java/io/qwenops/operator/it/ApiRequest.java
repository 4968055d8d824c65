package io.qwenops.operator.it;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An API server request path and method, read the way RBAC reads it: group, resource, verb. */
record ApiRequest(String group, String resource, String verb, String namespace) {

  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/([^/]+))?/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

  static Optional<ApiRequest> parse(String method, String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    String group = m.group(1) == null ? "" : m.group(1);
    String namespace = m.group(2);
    String resource = m.group(3);
    String name = m.group(4);
    String subresource = m.group(5);
    String query = m.group(6) == null ? "" : m.group(6);
    if (name == null && resource.equals("namespaces")) {
      return Optional.empty();
    }
    String fullResource = subresource == null ? resource : resource + "/" + subresource;
    String verb =
        switch (method) {
          case "GET" -> query.contains("watch=true") ? "watch" : (name == null ? "list" : "get");
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name == null ? "deletecollection" : "delete";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return Optional.of(new ApiRequest(group, fullResource, verb, namespace));
  }

  /** Cluster-wide: no namespace in the path (a list or watch across namespaces, or a review). */
  boolean clusterWide() {
    return namespace == null;
  }

  @Override
  public String toString() {
    return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource;
  }
}
