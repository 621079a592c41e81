{{/* What the frontend's pod has of its own: nginx's environment and the service key mount. */}}
{{- define "frontend.env" -}}
- name: BACKEND_URL
  value: {{ .Values.backendUrl | quote }}
- name: APP_ENVIRONMENT
  value: {{ .Values.runtimeConfig.environment | quote }}
- name: APP_VERSION
  value: {{ include "tbyte-common.imageTag" . | quote }}
- name: FEATURE_FLAGS
  value: {{ join "," .Values.runtimeConfig.featureFlags | quote }}
- name: NGINX_SERVER_NAMES
  value: {{ prepend .Values.edge.extraServerNames .Values.ingress.host | uniq | join " " | quote }}
- name: NGINX_TRUSTED_PROXIES
  value: {{ join "," .Values.edge.trustedProxies | quote }}
- name: NGINX_TRACE_HOPS
  value: {{ join "," .Values.edge.traceHops | quote }}
{{- if .Values.apiKey.enabled }}
- name: API_KEY_FILE
  value: /mnt/secrets/api/{{ .Values.apiKey.vault.key }}
{{- end }}
{{- end -}}

{{- define "frontend.volumeMounts" -}}
{{- if .Values.apiKey.enabled -}}
- name: api-key
  mountPath: /mnt/secrets/api
  readOnly: true
{{- end -}}
{{- end -}}

{{- define "frontend.volumes" -}}
{{- if .Values.apiKey.enabled -}}
- name: api-key
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "tbyte-common.fullname" . }}-api-key
{{- end -}}
{{- end -}}
