package io.qwenops.charts;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One RBAC rules file (a ClusterRole and optionally a Role), as the chart reads it from files/. */
record RbacFile(List<PolicyRule> clusterRules, List<PolicyRule> roleRules) {

  static RbacFile read(Path file) {
    List<PolicyRule> cluster = new ArrayList<>();
    List<PolicyRule> role = new ArrayList<>();
    try {
      for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
        Object parsed = document.isBlank() ? null : Serialization.unmarshal(document);
        if (parsed instanceof ClusterRole c) {
          cluster.addAll(c.getRules());
        } else if (parsed instanceof Role r) {
          role.addAll(r.getRules());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RbacFile(cluster, role);
  }

  static RbacFile operator() {
    return read(Chart.dir().resolve("files/operator-rbac.yaml"));
  }

  static RbacFile console() {
    return read(Chart.dir().resolve("files/console-rbac.yaml"));
  }
}
