{{/* What the backend's pod has of its own: the design's environment and the secret mounts. */}}
{{- define "backend.env" -}}
- name: PORT
  value: {{ .Values.containerPort | quote }}
- name: METRICS_PORT
  value: {{ .Values.metrics.port | quote }}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: PGHOST
  value: {{ .Values.database.host | quote }}
- name: PGPORT
  value: {{ .Values.database.port | quote }}
- name: PGDATABASE
  value: {{ .Values.database.name | quote }}
- name: PGSSLMODE
  value: {{ .Values.database.sslMode | quote }}
- name: DB_CREDENTIALS_DIR
  value: /mnt/secrets/db
- name: DB_POOL_MAX
  value: {{ .Values.config.dbPoolMax | quote }}
- name: SHUTDOWN_GRACE_SECONDS
  value: {{ .Values.config.shutdownGraceSeconds | quote }}
- name: TRUST_PROXY
  value: {{ .Values.config.trustProxy | quote }}
- name: RATE_LIMIT_MAX
  value: {{ .Values.config.rateLimitMax | quote }}
- name: RATE_LIMIT_WINDOW_SECONDS
  value: {{ .Values.config.rateLimitWindowSeconds | quote }}
{{- with .Values.config.corsOrigins }}
- name: CORS_ORIGINS
  value: {{ . | quote }}
{{- end }}
{{- with .Values.config.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ $.Values.config.otel.serviceName | quote }}
{{- end }}
{{- if .Values.apiKey.enabled }}
- name: API_KEY_FILE
  value: /mnt/secrets/api/{{ .Values.apiKey.vault.key }}
- name: API_NEXT_KEY_FILE
  value: /mnt/secrets/api/next
{{- end }}
{{- if .Values.database.tlsCA.configMap }}
- name: NODE_EXTRA_CA_CERTS
  value: /etc/ssl/database/{{ .Values.database.tlsCA.key }}
{{- end }}
- name: APP_VERSION
  value: {{ include "tbyte-common.imageTag" . | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- end -}}

{{- define "backend.volumeMounts" -}}
- name: db-credentials
  mountPath: /mnt/secrets/db
  readOnly: true
{{- if .Values.database.tlsCA.configMap }}
- name: database-ca
  mountPath: /etc/ssl/database
  readOnly: true
{{- end }}
{{- if .Values.apiKey.enabled }}
- name: api-key
  mountPath: /mnt/secrets/api
  readOnly: true
{{- end }}
{{- end -}}

{{- define "backend.volumes" -}}
{{- $creds := .Values.database.credentials -}}
- name: db-credentials
{{- if eq $creds.source "csi" }}
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "tbyte-common.fullname" . }}-db
{{- else }}
  secret:
    secretName: {{ required "database.credentials.existingSecret is required when database.credentials.source is secret" $creds.existingSecret }}
    defaultMode: 0440
    items:
      - key: username
        path: username
      - key: password
        path: password
{{- end }}
{{- with .Values.database.tlsCA.configMap }}
- name: database-ca
  configMap:
    name: {{ . }}
{{- end }}
{{- if .Values.apiKey.enabled }}
- name: api-key
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "tbyte-common.fullname" . }}-api-key
{{- end }}
{{- end -}}
