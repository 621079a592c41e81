{{/*
Scaling: an HPA (autoscaling.mode hpa) or a KEDA ScaledObject (keda), never both; with
mode none the workload keeps replicaCount. Both target CPU and memory utilisation; KEDA adds
a Prometheus trigger.
*/}}
{{- define "tbyte-common.scaleTargetRef" -}}
apiVersion: {{ include "tbyte-common.workloadApiVersion" . }}
kind: {{ include "tbyte-common.workloadKind" . }}
name: {{ include "tbyte-common.fullname" . }}
{{- end -}}

{{- define "tbyte-common.autoscaler" -}}
{{- $a := .Values.autoscaling -}}
{{- if eq $a.mode "hpa" -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .) | nindent 2 }}
spec:
  scaleTargetRef:
    {{- include "tbyte-common.scaleTargetRef" . | nindent 4 }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $a.targetMemoryUtilizationPercentage }}
{{- else if eq $a.mode "keda" -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .) | nindent 2 }}
spec:
  scaleTargetRef:
    {{- include "tbyte-common.scaleTargetRef" . | nindent 4 }}
  minReplicaCount: {{ $a.minReplicas }}
  maxReplicaCount: {{ $a.maxReplicas }}
  pollingInterval: 30
  cooldownPeriod: 300
  triggers:
    - type: cpu
      metricType: Utilization
      metadata:
        value: {{ $a.targetCPUUtilizationPercentage | quote }}
    - type: memory
      metricType: Utilization
      metadata:
        value: {{ $a.targetMemoryUtilizationPercentage | quote }}
    - type: prometheus
      metadata:
        serverAddress: {{ $a.keda.prometheus.serverAddress }}
        query: {{ $a.keda.prometheus.query | quote }}
        threshold: {{ $a.keda.prometheus.threshold | quote }}
{{- end -}}
{{- end -}}

{{/* A PodDisruptionBudget whenever more than one replica can run. */}}
{{- define "tbyte-common.pdb" -}}
{{- if and .Values.pdb.enabled (or (ne .Values.autoscaling.mode "none") (gt (int .Values.replicaCount) 1)) -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .) | nindent 2 }}
spec:
  {{- if .Values.pdb.maxUnavailable }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "tbyte-common.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}
