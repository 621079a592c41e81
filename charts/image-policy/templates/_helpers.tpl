{{- define "image-policy.labels" -}}
app.kubernetes.io/name: image-policy
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: tbyte
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The references of the signed repositories: any tag or digest of each. */}}
{{- define "image-policy.signedReferences" -}}
{{- range .Values.signedImages.repositories }}
- {{ printf "%s:*" . | quote }}
- {{ printf "%s@*" . | quote }}
{{- end }}
{{- end -}}
