{{/*
The workload of an application chart: a Deployment (RollingUpdate) or, when rollout.strategy
is canary or blueGreen, an Argo Rollout with the same pod template. No replicas field when an
autoscaler owns the count.
*/}}
{{- define "tbyte-common.workloadKind" -}}
{{- if eq .Values.rollout.strategy "rollingUpdate" -}}Deployment{{- else -}}Rollout{{- end -}}
{{- end -}}

{{- define "tbyte-common.workloadApiVersion" -}}
{{- if eq .Values.rollout.strategy "rollingUpdate" -}}apps/v1{{- else -}}argoproj.io/v1alpha1{{- end -}}
{{- end -}}

{{/* Canary traffic is shifted by the ALB when the chart's Ingress is an ALB; else by replica ratio. */}}
{{- define "tbyte-common.albTrafficRouting" -}}
{{- if and .Values.ingress .Values.ingress.enabled (eq .Values.ingress.className "alb") -}}true{{- end -}}
{{- end -}}

{{- define "tbyte-common.analysisRef" -}}
templates:
  - templateName: {{ include "tbyte-common.fullname" . }}
args:
  - name: canary-hash
    valueFrom:
      podTemplateHashValue: Latest
{{- end -}}

{{- define "tbyte-common.workload" -}}
apiVersion: {{ include "tbyte-common.workloadApiVersion" . }}
kind: {{ include "tbyte-common.workloadKind" . }}
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .) | nindent 2 }}
spec:
  {{- if eq .Values.autoscaling.mode "none" }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "tbyte-common.selectorLabels" . | nindent 6 }}
  {{- if eq .Values.rollout.strategy "rollingUpdate" }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 25%
      maxSurge: 25%
  {{- else if eq .Values.rollout.strategy "canary" }}
  strategy:
    canary:
      maxUnavailable: 25%
      maxSurge: 25%
      {{- if include "tbyte-common.albTrafficRouting" . }}
      stableService: {{ include "tbyte-common.fullname" . }}
      canaryService: {{ include "tbyte-common.fullname" . }}-canary
      trafficRouting:
        alb:
          ingress: {{ include "tbyte-common.fullname" . }}
          servicePort: {{ .Values.service.port }}
      {{- end }}
      analysis:
        {{- include "tbyte-common.analysisRef" . | nindent 8 }}
        startingStep: 1
      steps:
        {{- range .Values.rollout.canary.weights }}
        - setWeight: {{ . }}
        - pause:
            duration: {{ $.Values.rollout.canary.pause }}
        {{- end }}
  {{- else }}
  strategy:
    blueGreen:
      activeService: {{ include "tbyte-common.fullname" . }}
      previewService: {{ include "tbyte-common.fullname" . }}-preview
      autoPromotionEnabled: true
      scaleDownDelaySeconds: 30
      prePromotionAnalysis:
        {{- include "tbyte-common.analysisRef" . | nindent 8 }}
  {{- end }}
  template:
    {{- include "tbyte-common.podTemplate" . | nindent 4 }}
{{- end -}}

{{/*
Success rate and p95 latency of the backend's requests, from the backend's histogram
(rollout.analysis.backendService names the Service whose series are read). When that Service
is this release's own, only the new pods' series count (the ServiceMonitor copies the
rollouts-pod-template-hash label onto them); a workload that fronts the backend (the frontend)
is judged by all of the API's series. An empty or NaN result (no traffic yet) is not a failure.
*/}}
{{- define "tbyte-common.analysisTemplate" -}}
{{- $a := .Values.rollout.analysis -}}
{{- $selector := printf "namespace=%q,service=%q" .Release.Namespace $a.backendService -}}
{{- if eq $a.backendService (include "tbyte-common.fullname" .) -}}
{{- $selector = printf "%s,rollouts_pod_template_hash=\"{{args.canary-hash}}\"" $selector -}}
{{- end -}}
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .) | nindent 2 }}
spec:
  args:
    - name: canary-hash
  metrics:
    - name: success-rate
      interval: {{ $a.interval }}
      count: {{ $a.count }}
      failureLimit: {{ $a.failureLimit }}
      successCondition: len(result) == 0 || isNaN(result[0]) || result[0] >= {{ $a.minSuccessRate }}
      provider:
        prometheus:
          address: {{ $a.prometheusAddress }}
          query: |
            sum(rate(http_request_duration_seconds_count{ {{- $selector }},status_code!~"5.."}[{{ $a.window }}]))
            /
            sum(rate(http_request_duration_seconds_count{ {{- $selector }}}[{{ $a.window }}]))
    - name: latency-p95
      interval: {{ $a.interval }}
      count: {{ $a.count }}
      failureLimit: {{ $a.failureLimit }}
      successCondition: len(result) == 0 || isNaN(result[0]) || result[0] <= {{ $a.maxP95Seconds }}
      provider:
        prometheus:
          address: {{ $a.prometheusAddress }}
          query: |
            histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{ {{- $selector }}}[{{ $a.window }}])))
{{- end -}}
