package io.qwenops.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD mock API server with the two parts of a real API server's write path the operator
 * relies on and the mock lacks, kept as small as they can be:
 *
 * <ul>
 *   <li>a server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}) creates the
 *       object when it is absent; otherwise the map keys the same field manager applied last time
 *       and leaves out now are removed, and the body is merged as an RFC 7386 merge patch (maps
 *       merge, lists are replaced). A real server merges associative lists (containers, env) item
 *       by item, keeps items other managers own, and records {@code managedFields}; this stand-in
 *       does not, so for those behaviours tests read what the operator <em>sent</em>;
 *   <li>a {@code PUT} to {@code /status} that carries a {@code resourceVersion} other than the
 *       stored one is refused with 409, as a real server refuses a stale update (the mock only
 *       checks it on the main resource);
 *   <li>a list of core Events with a {@code fieldSelector} (such as {@code involvedObject.uid=…})
 *       keeps the Events whose fields equal the given values, as a real server does; the mock knows
 *       only {@code metadata.name} and {@code metadata.namespace} and answers nothing for other
 *       fields.
 * </ul>
 *
 * Expectations registered by a test are answered first, as fabric8's mixed dispatcher does.
 */
public final class ApplyingCrudDispatcher extends KubernetesCrudDispatcher {

  private static final String APPLY_PATCH = "application/apply-patch+yaml";

  private final Map<ServerRequest, Queue<ServerResponse>> expectations;
  private final MockDispatcher expected;
  private final Map<String, JsonNode> lastApplied = new ConcurrentHashMap<>();

  public ApplyingCrudDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations) {
    super(List.of());
    this.expectations = expectations;
    this.expected = new MockDispatcher(expectations);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Queue<ServerResponse> answers =
        expectations.get(
            new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
    if (answers != null && !answers.isEmpty()) {
      return expected.dispatch(request);
    }
    return super.dispatch(request);
  }

  @Override
  public MockResponse handleGet(String path) {
    String selector = eventFieldSelector(path);
    if (selector == null) {
      return super.handleGet(path);
    }
    MockResponse all = super.handleGet(withoutQuery(path));
    if (all.code() != 200) {
      return all;
    }
    ObjectNode list =
        (ObjectNode) Serialization.unmarshal(all.getBody().readUtf8(), JsonNode.class);
    var kept = JsonNodeFactory.instance.arrayNode();
    list.path("items")
        .forEach(
            item -> {
              if (matches(item, selector)) {
                kept.add(item);
              }
            });
    list.set("items", kept);
    return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(list));
  }

  /** The decoded fieldSelector of a (non-watch) list of core Events, or null. */
  private static String eventFieldSelector(String path) {
    String collection = withoutQuery(path);
    if (!collection.matches("/api/v1/(namespaces/[^/]+/)?events") || path.contains("watch=")) {
      return null;
    }
    for (String param : path.substring(collection.length()).replaceFirst("^\\?", "").split("&")) {
      if (param.startsWith("fieldSelector=")) {
        return java.net.URLDecoder.decode(
            param.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** Each {@code a.b=value} term (comma-separated) equals the item's field at a.b. */
  private static boolean matches(JsonNode item, String selector) {
    for (String term : selector.split(",")) {
      String[] keyValue = term.split("==?", 2);
      JsonNode field = item;
      for (String part : keyValue[0].trim().split("\\.")) {
        field = field.path(part);
      }
      if (!field.asText().equals(keyValue.length < 2 ? "" : keyValue[1].trim())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized MockResponse handlePatch(RecordedRequest request) {
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.startsWith(APPLY_PATCH)) {
      return super.handlePatch(request);
    }
    String path = withoutQuery(request.getPath());
    String body = request.getBody().readUtf8();
    boolean status = path.endsWith("/status");
    String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
    if (handleGet(objectPath).code() == 404) {
      if (status) {
        return new MockResponse().setResponseCode(404);
      }
      // Apply creates: the create path is the collection, and a create carries no version.
      JsonNode object = Serialization.unmarshal(body, JsonNode.class);
      lastApplied.put(objectPath + "|" + fieldManager(request.getPath()), object.deepCopy());
      ((ObjectNode) object.path("metadata")).remove("resourceVersion");
      return handleCreate(
          request(
              "POST",
              objectPath.substring(0, objectPath.lastIndexOf('/')),
              "application/json",
              Serialization.asJson(object)));
    }
    JsonNode sent = Serialization.unmarshal(body, JsonNode.class);
    JsonNode current =
        Serialization.unmarshal(handleGet(objectPath).getBody().readUtf8(), JsonNode.class);
    String manager = fieldManager(request.getPath());
    JsonNode before = lastApplied.get(objectPath + "|" + manager);
    if (before != null) {
      dropFieldsNoLongerApplied(current, before, sent);
    }
    lastApplied.put(objectPath + "|" + manager, sent.deepCopy());
    return super.handleUpdate(
        request("PUT", path, "application/json", Serialization.asJson(mergePatch(current, sent))));
  }

  @Override
  public synchronized MockResponse handleUpdate(RecordedRequest request) {
    String path = withoutQuery(request.getPath());
    if (path.endsWith("/status")) {
      String body = request.getBody().readUtf8();
      String sent =
          Serialization.unmarshal(body, JsonNode.class)
              .path("metadata")
              .path("resourceVersion")
              .asText();
      MockResponse current = handleGet(path.substring(0, path.length() - "/status".length()));
      if (current.code() == 200 && !sent.isEmpty()) {
        String stored =
            Serialization.unmarshal(current.getBody().readUtf8(), JsonNode.class)
                .path("metadata")
                .path("resourceVersion")
                .asText();
        if (!stored.equals(sent)) {
          return new MockResponse()
              .setResponseCode(409)
              .setBody(
                  "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":"
                      + "\"Conflict\",\"code\":409,\"message\":\"the object has been modified;"
                      + " please apply your changes to the latest version and try again\"}");
        }
      }
      return super.handleUpdate(request("PUT", request.getPath(), "application/json", body));
    }
    return super.handleUpdate(request);
  }

  /** RFC 7386: objects merge, anything else (lists included) is replaced, null removes. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    patch
        .properties()
        .forEach(
            field -> {
              if (field.getValue().isNull()) {
                result.remove(field.getKey());
              } else {
                result.set(
                    field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
              }
            });
    return result;
  }

  /** A map key the manager applied last time and leaves out now is removed, as SSA removes it. */
  private static void dropFieldsNoLongerApplied(JsonNode current, JsonNode before, JsonNode now) {
    if (!(current instanceof ObjectNode object) || !before.isObject()) {
      return;
    }
    before
        .properties()
        .forEach(
            field -> {
              JsonNode stillSent = now.get(field.getKey());
              if (stillSent == null) {
                object.remove(field.getKey());
              } else if (field.getValue().isObject() && stillSent.isObject()) {
                dropFieldsNoLongerApplied(object.get(field.getKey()), field.getValue(), stillSent);
              }
            });
  }

  private static String fieldManager(String path) {
    int at = path.indexOf("fieldManager=");
    if (at < 0) {
      return "";
    }
    int end = path.indexOf('&', at);
    return path.substring(at + "fieldManager=".length(), end < 0 ? path.length() : end);
  }

  private static String withoutQuery(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  private static RecordedRequest request(
      String method, String path, String contentType, String body) {
    return new RecordedRequest(
        "HTTP/1.1",
        HttpMethod.valueOf(method),
        path,
        Headers.builder().add("Content-Type", contentType).build(),
        new Buffer(body.getBytes(StandardCharsets.UTF_8)));
  }
}
