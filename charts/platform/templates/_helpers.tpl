{{- define "platform.labels" -}}
app.kubernetes.io/name: platform
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: platform
app.kubernetes.io/part-of: tbyte
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "platform.validate" -}}
{{- $seen := dict -}}
{{- range .Values.namespaces -}}
{{- if hasKey $seen .name -}}
{{- fail (printf "platform: namespaces lists %q twice" .name) -}}
{{- end -}}
{{- $_ := set $seen .name true -}}
{{- end -}}
{{- range list .Values.appReader.namespace .Values.quota.namespace -}}
{{- if not (hasKey $seen .) -}}
{{- fail (printf "platform: namespace %q (appReader.namespace or quota.namespace) is not in namespaces" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
