{{/*
The values of an add-on or app that the cluster decides, from a template the add-on or app holds
as data (clusterValues of addons/NAME.yaml, or of apps.NAME): rendered with tpl against .cluster
(the environment's facts, envs/ENV/cluster.yaml, from Terraform outputs), .Values and .Files of
this chart. Arguments: name, template, cluster, ctx. An empty template gives no values.
*/}}
{{- define "argocd-apps.clusterValues" -}}
{{- if .template -}}
{{- $ctx := .ctx -}}
{{- $scope := dict "cluster" .cluster "Values" $ctx.Values "Files" $ctx.Files "Template" $ctx.Template "Capabilities" $ctx.Capabilities -}}
{{- $values := tpl .template $scope -}}
{{- $parsed := $values | fromYaml -}}
{{- if hasKey $parsed "Error" }}{{ fail (printf "argocd-apps: clusterValues of %s: %s" .name $parsed.Error) }}{{ end -}}
{{- /* The text itself, not toYaml of it: toYaml drops the last line break of the last value. */ -}}
{{- $values -}}
{{- end -}}
{{- end -}}
