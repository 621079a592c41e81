{{/*
The add-ons, read from their files: addons/NAME.yaml is add-on NAME, and its application key says
how Argo CD installs it. Rendered as YAML, NAME -> that application plus enabled (false when the
environment switches it off with addons.NAME.enabled). Refuses a file without an application and
a name in the environment's addons or addonValues that has no file.
*/}}
{{- define "argocd-apps.addons" -}}
{{- $addons := dict -}}
{{- range $path, $_ := .Files.Glob "addons/*.yaml" -}}
{{- $name := base $path | trimSuffix ".yaml" -}}
{{- $own := $.Files.Get $path | fromYaml -}}
{{- if hasKey $own "Error" }}{{ fail (printf "argocd-apps: %s: %s" $path $own.Error) }}{{ end -}}
{{- if not (kindIs "map" $own.application) -}}
{{- fail (printf "argocd-apps: %s has no application (the add-on's wave, namespace and chart)" $path) -}}
{{- end -}}
{{- $switch := index $.Values.addons $name | default dict -}}
{{- $enabled := hasKey $switch "enabled" | ternary $switch.enabled true -}}
{{- $_ := set $addons $name (merge (dict "enabled" $enabled) $own.application) -}}
{{- end -}}
{{- if not $addons }}{{ fail "argocd-apps: no add-on files (addons/*.yaml)" }}{{ end -}}
{{- range $key := list "addons" "addonValues" -}}
{{- range $name, $_ := index $.Values $key -}}
{{- if not (hasKey $addons $name) -}}
{{- fail (printf "argocd-apps: %s.%s names no add-on: there is no addons/%s.yaml" $key $name $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $addons -}}
{{- end -}}
