package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields one server-side apply claims, written as the {@code managedFields} entry a real API
 * server records for it. A server without server-side apply (fabric8's mock) records none; the
 * entry built here from what the operator last applied lets JOSDK's matcher compare only the fields
 * the operator owns there too. Lists whose items all carry a distinct {@code name} (containers,
 * env, volumes, ports) are keyed by it, as Kubernetes' associative lists are; any other list is
 * owned whole, as atomic lists are.
 */
final class AppliedFields {

  static final String APPLY = "Apply";
  private static final Set<String> NOT_OWNED_METADATA =
      Set.of(
          "name",
          "namespace",
          "resourceVersion",
          "uid",
          "generation",
          "creationTimestamp",
          "managedFields",
          "selfLink");

  private AppliedFields() {}

  /** Whether the server recorded an apply by this field manager (a real API server does). */
  static boolean recordedBy(HasMetadata object, String fieldManager) {
    List<ManagedFieldsEntry> entries = object.getMetadata().getManagedFields();
    return entries != null
        && entries.stream()
            .anyMatch(e -> fieldManager.equals(e.getManager()) && APPLY.equals(e.getOperation()));
  }

  /** The entry a real server would record for this applied object. */
  static ManagedFieldsEntry entry(String fieldManager, Map<String, Object> applied) {
    Map<String, Object> owned = new LinkedHashMap<>(applied);
    owned.remove("apiVersion");
    owned.remove("kind");
    owned.remove("status");
    if (owned.get("metadata") instanceof Map<?, ?> metadata) {
      Map<String, Object> ownedMetadata = new LinkedHashMap<>();
      metadata.forEach(
          (k, v) -> {
            if (!NOT_OWNED_METADATA.contains((String) k)) {
              ownedMetadata.put((String) k, v);
            }
          });
      owned.put("metadata", ownedMetadata);
    }
    FieldsV1 fields = new FieldsV1();
    fieldsOf(owned).forEach(fields::setAdditionalProperty);
    return new ManagedFieldsEntryBuilder()
        .withManager(fieldManager)
        .withOperation(APPLY)
        .withFieldsType("FieldsV1")
        .withFieldsV1(fields)
        .build();
  }

  private static Map<String, Object> fieldsOf(Map<?, ?> object) {
    Map<String, Object> fields = new LinkedHashMap<>();
    object.forEach(
        (key, value) -> {
          if (value == null) {
            return;
          }
          String field = "f:" + key;
          if (value instanceof Map<?, ?> map) {
            fields.put(field, fieldsOf(map));
          } else if (value instanceof List<?> list && listKey(list) != null) {
            String listKey = listKey(list);
            Map<String, Object> items = new LinkedHashMap<>();
            for (Object item : list) {
              Map<?, ?> entry = (Map<?, ?>) item;
              items.put(
                  "k:" + Serialization.asJson(Map.of(listKey, entry.get(listKey))),
                  fieldsOf(entry));
            }
            fields.put(field, items);
          } else {
            fields.put(field, new LinkedHashMap<>());
          }
        });
    return fields;
  }

  /** uid for owner references, name for the rest; null for a list owned whole. */
  private static String listKey(List<?> list) {
    for (String key : List.of("uid", "name")) {
      if (distinctValues(list, key)) {
        return key;
      }
    }
    return null;
  }

  private static boolean distinctValues(List<?> list, String key) {
    Set<Object> values = new HashSet<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> map) || map.get(key) == null || !values.add(map.get(key))) {
        return false;
      }
    }
    return !list.isEmpty();
  }
}
