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
{{- if eq .Values.database.auth "rds-iam" }}
{{- include "backend.validateIamAuth" . }}
- name: DB_AUTH
  value: rds-iam
- name: AWS_REGION
  value: {{ .Values.database.awsRegion | quote }}
{{- else }}
- name: DB_CREDENTIALS_DIR
  value: /mnt/secrets/db
{{- end }}
{{- if .Values.database.migration.enabled }}
- name: DB_MIGRATION_CREDENTIALS_DIR
  value: /mnt/secrets/db-migration
{{- end }}
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

{{/* The items may start with a newline (the first is optional): trimmed for the library. */}}
{{- define "backend.volumeMounts" -}}
{{ include "backend.volumeMountItems" . | trim }}
{{- end -}}

{{- define "backend.volumeMountItems" -}}
{{- if eq .Values.database.auth "password" }}
- name: db-credentials
  mountPath: /mnt/secrets/db
  readOnly: true
{{- end }}
{{- if .Values.database.migration.enabled }}
- name: db-migration-credentials
  mountPath: /mnt/secrets/db-migration
  readOnly: true
{{- end }}
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
{{ include "backend.volumeItems" . | trim }}
{{- end -}}

{{- define "backend.volumeItems" -}}
{{- if eq .Values.database.auth "password" }}
{{ include "backend.credentialsVolume" (dict "ctx" . "name" "db-credentials" "suffix" "db" "creds" .Values.database.credentials "value" "database.credentials") }}
{{- end }}
{{- if .Values.database.migration.enabled }}
{{ include "backend.credentialsVolume" (dict "ctx" . "name" "db-migration-credentials" "suffix" "db-migration" "creds" .Values.database.migration.credentials "value" "database.migration.credentials") }}
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


{{/* A volume of username and password files: a CSI mount of the chart's SecretProviderClass
  NAME-SUFFIX, or an existing Secret. */}}
{{- define "backend.credentialsVolume" -}}
- name: {{ .name }}
{{- if eq .creds.source "csi" }}
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "tbyte-common.fullname" .ctx }}-{{ .suffix }}
{{- else }}
  secret:
    secretName: {{ required (printf "%s.existingSecret is required when %s.source is secret" .value .value) .creds.existingSecret }}
    defaultMode: 0440
    items:
      - key: username
        path: username
      - key: password
        path: password
{{- end }}
{{- end -}}

{{/* IAM tokens are signed for a region, need TLS, and leave the roles to the master secret. */}}
{{- define "backend.validateIamAuth" -}}
{{- $db := .Values.database -}}
{{- if not $db.migration.enabled }}{{ fail "database.auth rds-iam needs database.migration.enabled: RDS's master secret migrates and makes tbyte_app" }}{{ end -}}
{{- if not $db.awsRegion }}{{ fail "database.awsRegion is required when database.auth is rds-iam" }}{{ end -}}
{{- if not (has $db.sslMode (list "require" "verify-ca" "verify-full")) }}{{ fail "database.sslMode must be require, verify-ca or verify-full when database.auth is rds-iam" }}{{ end -}}
{{- if and .Values.networkPolicy.enabled (not .Values.networkPolicy.httpsEgressCidrs) }}{{ fail "database.auth rds-iam signs with the IRSA role, which the SDK exchanges at STS over HTTPS: networkPolicy.httpsEgressCidrs must name the subnets of the VPC's STS endpoint" }}{{ end -}}
{{- end -}}
