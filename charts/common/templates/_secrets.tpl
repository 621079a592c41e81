{{/*
SecretProviderClasses of the Secrets Store CSI driver. The driver mounts what they name as
files into the pod (nothing is synced into a Kubernetes Secret) and re-reads them when
rotation is on, using the pod's service account token for IRSA or Vault's Kubernetes auth.
*/}}
{{- define "tbyte-common.vaultSecretProviderClass" -}}
{{- $vault := .vault -}}
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .ctx "suffix" .suffix) | nindent 2 }}
spec:
  provider: vault
  parameters:
    vaultAddress: {{ $vault.address | quote }}
    roleName: {{ $vault.role | quote }}
    vaultKubernetesMountPath: {{ $vault.kubernetesMountPath | quote }}
    objects: |
      {{- range .keys }}
      - objectName: {{ . | quote }}
        secretPath: {{ $vault.path | quote }}
        secretKey: {{ . | quote }}
      {{- end }}
{{- end -}}

{{- define "tbyte-common.awsSecretProviderClass" -}}
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" .ctx "suffix" .suffix) | nindent 2 }}
spec:
  provider: aws
  parameters:
    {{- with .aws.region }}
    region: {{ . | quote }}
    {{- end }}
    objects: |
      - objectName: {{ required "database.credentials.csi.aws.secretArn is required when the aws provider mounts the credentials" .aws.secretArn | quote }}
        objectType: secretsmanager
        jmesPath:
          {{- range .keys }}
          - path: {{ . }}
            objectAlias: {{ . }}
          {{- end }}
{{- end -}}
