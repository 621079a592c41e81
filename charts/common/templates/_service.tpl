{{/* A ClusterIP Service on the http port (plus metrics when the chart exposes them). */}}
{{- define "tbyte-common.service" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" $ctx "suffix" .suffix) | nindent 2 }}
spec:
  type: ClusterIP
  selector:
    {{- include "tbyte-common.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.Values.service.port }}
      targetPort: http
      protocol: TCP
    {{- if and $ctx.Values.metrics $ctx.Values.metrics.enabled }}
    - name: metrics
      port: {{ $ctx.Values.metrics.port }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
{{- end -}}

{{/* The Service, plus the preview (blue/green) or canary (ALB-routed canary) Service. */}}
{{- define "tbyte-common.services" -}}
{{ include "tbyte-common.service" (dict "ctx" .) }}
{{- if eq .Values.rollout.strategy "blueGreen" }}
---
{{ include "tbyte-common.service" (dict "ctx" . "suffix" "preview") }}
{{- else if and (eq .Values.rollout.strategy "canary") (include "tbyte-common.albTrafficRouting" .) }}
---
{{ include "tbyte-common.service" (dict "ctx" . "suffix" "canary") }}
{{- end }}
{{- end -}}

{{- define "tbyte-common.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "tbyte-common.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "tbyte-common.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
{{- end -}}
