{{/*
Roles and bindings for one component, from one rules file: (dict "ctx" $ "component" "operator" "file" F "sa" NAME).
All namespaces: one ClusterRole. watchNamespaces: a Role + RoleBinding in each, and a ClusterRole only for rules on
cluster-scoped resources. The file's Role (if any) goes to the release namespace.
*/}}
{{- define "qwenops.rbacFor" -}}
{{- $ctx := .ctx }}
{{- $name := printf "%s-%s" (include "qwenops.fullname" $ctx) .component }}
{{- $rules := include "qwenops.rules" (dict "ctx" $ctx "file" .file) | fromJson }}
{{- $labels := include "qwenops.labels" (dict "ctx" $ctx "component" .component) }}
{{- $clusterRules := $rules.cluster }}
{{- if not $ctx.Values.watchNamespaces }}
{{- $clusterRules = concat $rules.namespaced $rules.cluster }}
{{- end }}
{{- if $clusterRules }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ $name }}
  labels:
    {{- $labels | nindent 4 }}
rules:
  {{- toYaml $clusterRules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ $name }}
  labels:
    {{- $labels | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $name }}
subjects:
  - kind: ServiceAccount
    name: {{ .sa }}
    namespace: {{ $ctx.Release.Namespace }}
{{- end }}
{{- if $ctx.Values.watchNamespaces }}
{{- range $ns := $ctx.Values.watchNamespaces }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ $name }}
  namespace: {{ $ns }}
  labels:
    {{- $labels | nindent 4 }}
rules:
  {{- toYaml $rules.namespaced | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $name }}
  namespace: {{ $ns }}
  labels:
    {{- $labels | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $name }}
subjects:
  - kind: ServiceAccount
    name: {{ $.sa }}
    namespace: {{ $ctx.Release.Namespace }}
{{- end }}
{{- end }}
{{- if $rules.own }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ $name }}-leader-election
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- $labels | nindent 4 }}
rules:
  {{- toYaml $rules.own | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $name }}-leader-election
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- $labels | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $name }}-leader-election
subjects:
  - kind: ServiceAccount
    name: {{ .sa }}
    namespace: {{ $ctx.Release.Namespace }}
{{- end }}
{{- end }}
