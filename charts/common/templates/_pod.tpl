{{/* Pod and container security: the design's defaults, not weakened by values. */}}
{{- define "tbyte-common.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.security.runAsUser }}
runAsGroup: {{ .Values.security.runAsGroup }}
fsGroup: {{ .Values.security.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "tbyte-common.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .Values.security.runAsUser }}
runAsGroup: {{ .Values.security.runAsGroup }}
privileged: false
capabilities:
  drop: ["ALL"]
  {{- with .Values.security.addCapabilities }}
  add: {{ toJson . }}
  {{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* One probe: an HTTP GET on the http port, or a command when the probe names one. */}}
{{- define "tbyte-common.probe" -}}
{{- if .command -}}
exec:
  command: {{ toJson .command }}
{{- else -}}
httpGet:
  path: {{ .path }}
  port: http
{{- end }}
{{- with .initialDelaySeconds }}
initialDelaySeconds: {{ . }}
{{- end }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}

{{- define "tbyte-common.topologySpread" -}}
{{- $ctx := . -}}
{{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
- maxSkew: {{ $ctx.Values.topologySpread.maxSkew }}
  topologyKey: {{ $key }}
  whenUnsatisfiable: {{ $ctx.Values.topologySpread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "tbyte-common.selectorLabels" $ctx | nindent 6 }}
  matchLabelKeys: ["pod-template-hash"]
{{- end }}
{{- end -}}

{{/*
The pod template of an application chart. The chart supplies what is its own through three
templates named after it: CHART.env, CHART.volumeMounts and CHART.volumes (each may be empty);
/tmp is always a writable emptyDir because the root filesystem is read-only.
*/}}
{{- define "tbyte-common.podTemplate" -}}
{{- $name := .Chart.Name -}}
metadata:
  labels:
    {{- include "tbyte-common.labels" . | nindent 4 }}
  {{- with .Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "tbyte-common.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  securityContext:
    {{- include "tbyte-common.podSecurityContext" . | nindent 4 }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.topologySpread.enabled }}
  topologySpreadConstraints:
    {{- include "tbyte-common.topologySpread" . | trim | nindent 4 }}
  {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ $name }}
      image: {{ include "tbyte-common.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ .Values.containerPort }}
          protocol: TCP
        {{- if and .Values.metrics .Values.metrics.enabled }}
        - name: metrics
          containerPort: {{ .Values.metrics.port }}
          protocol: TCP
        {{- end }}
      env:
        {{- include (printf "%s.env" $name) . | nindent 8 }}
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      securityContext:
        {{- include "tbyte-common.containerSecurityContext" . | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      startupProbe:
        {{- include "tbyte-common.probe" .Values.probes.startup | nindent 8 }}
      livenessProbe:
        {{- include "tbyte-common.probe" .Values.probes.liveness | nindent 8 }}
      readinessProbe:
        {{- include "tbyte-common.probe" .Values.probes.readiness | nindent 8 }}
      {{- if .Values.preStopSleepSeconds }}
      lifecycle:
        preStop:
          sleep:
            seconds: {{ .Values.preStopSleepSeconds }}
      {{- end }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- include (printf "%s.volumeMounts" $name) . | nindent 8 }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSizeLimit }}
    {{- include (printf "%s.volumes" $name) . | nindent 4 }}
{{- end -}}
