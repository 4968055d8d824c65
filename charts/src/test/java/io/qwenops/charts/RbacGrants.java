package io.qwenops.charts;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a ServiceAccount may do, from the ClusterRoleBindings and RoleBindings stored in the API
 * server: Kubernetes' RBAC evaluation for rules without resourceNames or wildcards.
 */
final class RbacGrants {

  private final List<PolicyRule> clusterWide = new ArrayList<>();
  private final Map<String, List<PolicyRule>> perNamespace = new HashMap<>();

  static RbacGrants of(KubernetesClient client, String namespace, String serviceAccount) {
    RbacGrants grants = new RbacGrants();
    for (var binding : client.rbac().clusterRoleBindings().list().getItems()) {
      if (bindsTo(binding.getSubjects(), namespace, serviceAccount)) {
        grants.clusterWide.addAll(
            client.rbac().clusterRoles().withName(binding.getRoleRef().getName()).get().getRules());
      }
    }
    for (var binding : client.rbac().roleBindings().inAnyNamespace().list().getItems()) {
      if (bindsTo(binding.getSubjects(), namespace, serviceAccount)) {
        String ns = binding.getMetadata().getNamespace();
        var rules =
            binding.getRoleRef().getKind().equals("ClusterRole")
                ? client
                    .rbac()
                    .clusterRoles()
                    .withName(binding.getRoleRef().getName())
                    .get()
                    .getRules()
                : client
                    .rbac()
                    .roles()
                    .inNamespace(ns)
                    .withName(binding.getRoleRef().getName())
                    .get()
                    .getRules();
        grants.perNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).addAll(rules);
      }
    }
    return grants;
  }

  private static boolean bindsTo(List<Subject> subjects, String namespace, String name) {
    return subjects.stream()
        .anyMatch(
            s ->
                s.getKind().equals("ServiceAccount")
                    && s.getName().equals(name)
                    && namespace.equals(s.getNamespace()));
  }

  boolean allows(ApiCall call) {
    if (clusterWide.stream().anyMatch(r -> matches(r, call))) {
      return true;
    }
    return call.namespace() != null
        && perNamespace.getOrDefault(call.namespace(), List.of()).stream()
            .anyMatch(r -> matches(r, call));
  }

  private static boolean matches(PolicyRule rule, ApiCall call) {
    return rule.getApiGroups().contains(call.group())
        && rule.getResources().contains(call.resource())
        && rule.getVerbs().contains(call.verb())
        && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
  }
}
