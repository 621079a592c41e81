{{/*
One Argo CD Application. Every child syncs automatically with prune and self-heal, retries
with backoff, never creates its namespace (the platform chart does, with its Pod Security
labels), applies server-side (no last-applied annotation, whose 256 kB cap large CRDs exceed)
and carries its wave. Arguments: ctx, name, wave, project, namespace, source, autoscaled
(replicas owned by an HPA or KEDA), ignoreDifferences (fields the cluster owns, kept on sync).
*/}}
{{- define "argocd-apps.application" -}}
{{- $ctx := .ctx -}}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
  namespace: {{ $ctx.Values.argocdNamespace }}
  labels:
    app.kubernetes.io/part-of: tbyte
    app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
    tbyte.io/environment: {{ $ctx.Values.environment }}
  annotations:
    argocd.argoproj.io/sync-wave: {{ .wave | quote }}
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: {{ .project }}
  source:
    {{- toYaml .source | nindent 4 }}
  destination:
    server: {{ $ctx.Values.destinationServer }}
    namespace: {{ .namespace }}
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - PruneLast=true
      - ServerSideApply=true
      {{- if or .autoscaled .ignoreDifferences }}
      - RespectIgnoreDifferences=true
      {{- end }}
    retry:
      limit: {{ $ctx.Values.retry.limit }}
      backoff:
        duration: {{ $ctx.Values.retry.duration }}
        factor: {{ $ctx.Values.retry.factor }}
        maxDuration: {{ $ctx.Values.retry.maxDuration }}
  {{- if or .autoscaled .ignoreDifferences }}
  ignoreDifferences:
    {{- if .autoscaled }}
    - group: apps
      kind: Deployment
      jsonPointers: ["/spec/replicas"]
    - group: argoproj.io
      kind: Rollout
      jsonPointers: ["/spec/replicas"]
    {{- end }}
    {{- with .ignoreDifferences }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
{{- end -}}

{{/* The environment's cluster facts, written from Terraform outputs; refuses to render without them. */}}
{{- define "argocd-apps.cluster" -}}
{{- $file := printf "envs/%s/cluster.yaml" .Values.environment -}}
{{- if not .Values.cluster -}}
{{- fail (printf "argocd-apps: %s is missing or empty: it is written from Terraform outputs by scripts/update-app-configs.mjs (the terraform workflow runs it after apply)" $file) -}}
{{- end -}}
{{- toYaml .Values.cluster -}}
{{- end -}}
