{{/*
A NetworkPolicy for the chart's pods with the rules the chart passes (ingress, egress: lists
of rules), plus DNS to the cluster's resolver, which every component needs. The namespace
itself denies everything else (the platform chart's default-deny policy).
*/}}
{{- define "tbyte-common.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .Values.networkPolicy.dns.namespace }}
      podSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.podLabels | nindent 10 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{- define "tbyte-common.tcp" -}}
{{- $ports := list -}}
{{- range . }}{{ $ports = append $ports (dict "port" . "protocol" "TCP") }}{{ end -}}
{{- toJson $ports -}}
{{- end -}}

{{- define "tbyte-common.namespacePeer" -}}
{{- toJson (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" .))) -}}
{{- end -}}

{{- define "tbyte-common.networkPolicy" -}}
{{- $ctx := .ctx -}}
{{- if $ctx.Values.networkPolicy.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "tbyte-common.metadata" (dict "ctx" $ctx) | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tbyte-common.selectorLabels" $ctx | nindent 6 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    {{- toYaml .ingress | nindent 4 }}
  egress:
    {{- include "tbyte-common.dnsEgress" $ctx | nindent 4 }}
    {{- with .egress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}
