{{/* Names and labels. Every object carries the app.kubernetes.io labels of the design. */}}

{{- define "tbyte-common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tbyte-common.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "tbyte-common.name" . -}}
{{- end -}}
{{- end -}}

{{- define "tbyte-common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tbyte-common.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tbyte-common.labels" -}}
{{ include "tbyte-common.selectorLabels" . }}
app.kubernetes.io/version: {{ include "tbyte-common.imageTag" . | quote }}
app.kubernetes.io/component: {{ .Values.component }}
app.kubernetes.io/part-of: tbyte
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Metadata of a namespaced object: name (fullname plus an optional suffix), namespace, labels. */}}
{{- define "tbyte-common.metadata" -}}
{{- $ctx := .ctx -}}
name: {{ include "tbyte-common.fullname" $ctx }}{{ with .suffix }}-{{ . }}{{ end }}
namespace: {{ $ctx.Release.Namespace }}
labels:
  {{- include "tbyte-common.labels" $ctx | nindent 2 }}
{{- with .annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "tbyte-common.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is pinned. */}}
{{- define "tbyte-common.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "tbyte-common.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{- define "tbyte-common.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tbyte-common.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
