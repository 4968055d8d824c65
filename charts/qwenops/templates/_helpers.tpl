{{/* Names: <release>-qwenops unless the release name already contains the chart name. */}}
{{- define "qwenops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "qwenops.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object; pass (dict "ctx" $ "component" "operator"). */}}
{{- define "qwenops.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "qwenops.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: qwenops
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "qwenops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qwenops.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The operator image; the console runs the same image with the `console` command. */}}
{{- define "qwenops.operatorImage" -}}
{{- printf "%s/operator:%s" .Values.image.registry (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The inference-pod and gpu-exporter images of a QwenDeployment that pins none: same registry and tag. */}}
{{- define "qwenops.defaultImage" -}}
{{- printf "%s/%s:%s" .ctx.Values.image.registry .name (default .ctx.Chart.AppVersion .ctx.Values.image.tag) }}
{{- end }}

{{- define "qwenops.operatorServiceAccount" -}}
{{- if .Values.operator.serviceAccount.create }}{{ default (printf "%s-operator" (include "qwenops.fullname" .)) .Values.operator.serviceAccount.name }}{{ else }}{{ required "operator.serviceAccount.name is required when operator.serviceAccount.create is false" .Values.operator.serviceAccount.name }}{{ end }}
{{- end }}

{{- define "qwenops.consoleServiceAccount" -}}
{{- if .Values.console.serviceAccount.create }}{{ default (printf "%s-console" (include "qwenops.fullname" .)) .Values.console.serviceAccount.name }}{{ else }}{{ required "console.serviceAccount.name is required when console.serviceAccount.create is false" .Values.console.serviceAccount.name }}{{ end }}
{{- end }}

{{- define "qwenops.consoleTokenSecret" -}}
{{- default (printf "%s-console-token" (include "qwenops.fullname" .)) .Values.console.token.existingSecret }}
{{- end }}

{{/*
RBAC rules from the copies in files/ (one source: operator/src/main/resources/rbac/, checked by ChartRbacTest).
"qwenops.rules" renders {"cluster": [...], "namespaced": [...], "own": [...]} as JSON for (dict "ctx" $ "file" F):
rules of the file's ClusterRole on cluster-scoped resources, its other rules, and the rules of its Role (bound in
the release namespace).
*/}}
{{- define "qwenops.clusterScopedResources" -}}
authorization.k8s.io/selfsubjectrulesreviews authorization.k8s.io/selfsubjectaccessreviews authorization.k8s.io/subjectaccessreviews authentication.k8s.io/tokenreviews apiextensions.k8s.io/customresourcedefinitions /namespaces /nodes /persistentvolumes storage.k8s.io/storageclasses
{{- end }}

{{- define "qwenops.rules" -}}
{{- $scoped := splitList " " (include "qwenops.clusterScopedResources" .ctx) }}
{{- $cluster := list }}{{ $namespaced := list }}{{ $own := list }}
{{- range $doc := regexSplit "(?m)^---\\s*$" (.ctx.Files.Get .file) -1 }}
{{- $o := fromYaml $doc }}
{{- if eq (default "" $o.kind) "ClusterRole" }}
{{- range $rule := $o.rules }}
{{- $all := true }}
{{- range $g := $rule.apiGroups }}{{ range $r := $rule.resources }}{{ if not (has (printf "%s/%s" $g $r) $scoped) }}{{ $all = false }}{{ end }}{{ end }}{{ end }}
{{- if $all }}{{ $cluster = append $cluster $rule }}{{ else }}{{ $namespaced = append $namespaced $rule }}{{ end }}
{{- end }}
{{- else if eq (default "" $o.kind) "Role" }}
{{- $own = concat $own $o.rules }}
{{- end }}
{{- end }}
{{- dict "cluster" $cluster "namespaced" $namespaced "own" $own | toJson }}
{{- end }}

{{/* Pod and container security contexts: non-root, no privileges, read-only root filesystem. */}}
{{- define "qwenops.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "qwenops.containerSecurityContext" -}}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}
