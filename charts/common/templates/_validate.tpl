{{/*
Rules a JSON schema cannot state, checked before anything renders. Each failure names the
value and what it holds, e.g. "backend: autoscaling.minReplicas (12) is above autoscaling.maxReplicas (10)".
*/}}
{{- define "tbyte-common.validate" -}}
{{- include "tbyte-common.validateSecurity" . -}}
{{- $v := .Values -}}
{{- $chart := .Chart.Name -}}
{{- if not (has $v.autoscaling.mode (list "hpa" "keda" "none")) -}}
{{- fail (printf "%s: autoscaling.mode must be hpa, keda or none (got %q)" $chart $v.autoscaling.mode) -}}
{{- end -}}
{{- if gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas) -}}
{{- fail (printf "%s: autoscaling.minReplicas (%v) is above autoscaling.maxReplicas (%v)" $chart $v.autoscaling.minReplicas $v.autoscaling.maxReplicas) -}}
{{- end -}}
{{- if not (has $v.rollout.strategy (list "rollingUpdate" "canary" "blueGreen")) -}}
{{- fail (printf "%s: rollout.strategy must be rollingUpdate, canary or blueGreen (got %q)" $chart $v.rollout.strategy) -}}
{{- end -}}
{{- end -}}

{{/* The pod's identity and capabilities, for every chart with pods. */}}
{{- define "tbyte-common.validateSecurity" -}}
{{- $v := .Values -}}
{{- $chart := .Chart.Name -}}
{{- range $key := list "runAsUser" "runAsGroup" "fsGroup" -}}
{{- if lt (int (index $v.security $key)) 1 -}}
{{- fail (printf "%s: security.%s must be a non-root id of 1 or more (got %v)" $chart $key (index $v.security $key)) -}}
{{- end -}}
{{- end -}}
{{- range $v.security.addCapabilities -}}
{{- if ne . "NET_BIND_SERVICE" -}}
{{- fail (printf "%s: security.addCapabilities may hold only NET_BIND_SERVICE, the one capability the restricted Pod Security profile allows (got %q)" $chart .) -}}
{{- end -}}
{{- end -}}
{{- if and (not $v.image.digest) (not (include "tbyte-common.imageTag" .)) -}}
{{- fail (printf "%s: image.tag (or image.digest) is required" $chart) -}}
{{- end -}}
{{- end -}}
