{{/* Name of every object: the release name, unless it already holds the chart's name. */}}
{{- define "service.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "service.labels" -}}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* "true" when the service runs on PostgreSQL, "" on SQLite. */}}
{{- define "service.postgres" -}}
{{- if or .Values.secrets.DATABASE_URL .Values.database.postgres -}}true{{- end -}}
{{- end -}}

{{- define "service.secretName" -}}
{{- .Values.existingSecret | default (include "service.fullname" .) -}}
{{- end -}}

{{/* Where the files of configFiles and secretFiles are mounted. */}}
{{- define "service.filesDir" -}}/etc/service/files{{- end -}}
{{- define "service.secretFilesDir" -}}/etc/service/secret-files{{- end -}}

{{/*
service.check stops the rendering on values that cannot work: several
replicas on SQLite, a variable given both as a value and as a file.
(values.schema.json refuses unknown keys.)
*/}}
{{- define "service.check" -}}
{{- range $key, $value := .Values.configFiles -}}
{{- if and $value (ne (toString (index $.Values.config $key)) "") -}}
{{- fail (printf "%s is set both under config and configFiles: keep one" $key) -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := .Values.secretFiles -}}
{{- if and $value (index $.Values.secrets $key) -}}
{{- fail (printf "%s is set both under secrets and secretFiles: keep one" $key) -}}
{{- end -}}
{{- end -}}
{{- if and (gt (int .Values.replicaCount) 1) (not (include "service.postgres" .)) -}}
{{- fail (printf "replicaCount %v needs PostgreSQL: set secrets.DATABASE_URL (or database.postgres with existingSecret); SQLite is one file of one pod" .Values.replicaCount) -}}
{{- end -}}
{{- end -}}
