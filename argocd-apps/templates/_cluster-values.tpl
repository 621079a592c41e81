{{/*
The values of an add-on that the cluster decides: names, regions, role ARNs, buckets and keys
from Terraform outputs (envs/ENV/cluster.yaml). Arguments: name, cluster, ctx. Empty for an
add-on that needs none.
*/}}
{{- define "argocd-apps.clusterValues" -}}
{{- $c := .cluster -}}
{{- $irsa := dict "create" true "annotations" dict -}}
{{- if eq .name "platform" -}}
networkPolicies:
  vpcCidr: {{ $c.vpcCidr }}
{{- else if eq .name "argo-cd" -}}
configs:
  cm:
    resource.customizations.health.argoproj.io_Application: |
      {{- .ctx.Files.Get "bootstrap/application-health.lua" | nindent 6 }}
{{- else if eq .name "karpenter" -}}
settings:
  clusterName: {{ $c.name }}
  interruptionQueue: {{ $c.karpenter.interruptionQueue }}
{{- else if eq .name "cluster-nodes" -}}
clusterName: {{ $c.name }}
nodeRoleName: {{ $c.karpenter.nodeRoleName }}
{{- else if eq .name "aws-load-balancer-controller" -}}
clusterName: {{ $c.name }}
region: {{ $c.region }}
vpcId: {{ $c.vpcId }}
serviceAccount:
  create: true
  name: aws-load-balancer-controller
  annotations:
    eks.amazonaws.com/role-arn: {{ $c.roles.awsLoadBalancerController }}
{{- else if eq .name "nginx-ingress" -}}
controller:
  config:
    entries:
      set-real-ip-from: {{ $c.vpcCidr }}
{{- else if eq .name "edge" -}}
certificateArn: {{ $c.ingress.certificateArn | quote }}
{{- else if eq .name "kube-prometheus-stack" -}}
# The platform's alert rules (observability/rules/platform, linked into files/).
additionalPrometheusRulesMap:
  {{- range $path, $_ := .ctx.Files.Glob "files/platform-rules/*.yaml" }}
  tbyte-{{ base $path | trimSuffix ".yaml" }}:
    {{- $.ctx.Files.Get $path | fromYaml | toYaml | nindent 4 }}
  {{- end }}
grafana:
  serviceAccount:
    annotations:
      eks.amazonaws.com/role-arn: {{ $c.roles.grafana }}
  env:
    AWS_REGION: {{ $c.region }}
{{- else if eq .name "loki" -}}
loki:
  storage:
    bucketNames:
      chunks: {{ $c.loki.chunksBucket }}
      ruler: {{ $c.loki.rulerBucket }}
    s3:
      region: {{ $c.region }}
serviceAccount:
  annotations:
    eks.amazonaws.com/role-arn: {{ $c.roles.loki }}
{{- else if eq .name "vault" -}}
server:
  serviceAccount:
    annotations:
      eks.amazonaws.com/role-arn: {{ $c.roles.vault }}
  ha:
    raft:
      config: |
        ui = true
        listener "tcp" {
          address         = "[::]:8200"
          cluster_address = "[::]:8201"
          tls_disable     = 1
          telemetry {
            unauthenticated_metrics_access = "true"
          }
        }
        telemetry {
          prometheus_retention_time = "30s"
          disable_hostname          = true
        }
        storage "raft" {
          path = "/vault/data"
          {{- range $i := until 3 }}
          retry_join {
            leader_api_addr = "http://vault-{{ $i }}.vault-internal:8200"
          }
          {{- end }}
        }
        seal "awskms" {
          region     = "{{ $c.region }}"
          kms_key_id = "{{ $c.vault.kmsKeyId }}"
        }
        service_registration "kubernetes" {}
{{- else if eq .name "amazon-cloudwatch-observability" -}}
clusterName: {{ $c.name }}
region: {{ $c.region }}
{{- end -}}
{{- end -}}
