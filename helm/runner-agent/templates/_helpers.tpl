{{/* The chart's name, and the release's full name (at most 63 characters, as Kubernetes names allow). */}}
{{- define "runner-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "runner-agent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object; selector labels take a component ("agent" or "hub"). */}}
{{- define "runner-agent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "runner-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
runner-agent.dev/nodepool: {{ .Values.nodepool.id | quote }}
{{- end }}

{{- define "runner-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "runner-agent.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "runner-agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "runner-agent.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* GPUs per agent, as an int. */}}
{{- define "runner-agent.gpus" -}}
{{- int (default 0 .Values.nodepool.computeInfo.numAccelerators) }}
{{- end }}

{{/* The image: the tag defaults to appVersion, with "-cuda" for a nodepool with accelerators. */}}
{{- define "runner-agent.image" -}}
{{- $flavor := .Values.image.flavor }}
{{- if not $flavor }}
{{- $flavor = ternary "cuda" "cpu" (gt (int (include "runner-agent.gpus" .)) 0) }}
{{- end }}
{{- $tag := .Values.image.tag }}
{{- if not $tag }}
{{- $tag = ternary (printf "%s-cuda" .Chart.AppVersion) .Chart.AppVersion (eq $flavor "cuda") }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/* The upstream the agents pull from: upstream.url, or this release's hub. */}}
{{- define "runner-agent.upstreamUrl" -}}
{{- if .Values.upstream.url }}
{{- .Values.upstream.url }}
{{- else if .Values.hub.enabled }}
{{- printf "http://%s-hub:%d" (include "runner-agent.fullname" .) (int .Values.hub.service.port) }}
{{- end }}
{{- end }}

{{/* The Secret (name) that holds the agents' key under "key": upstream.key's, this release's hub's, or existingSecret. */}}
{{- define "runner-agent.keySecret" -}}
{{- if .Values.upstream.key }}
{{- printf "%s-upstream-key" (include "runner-agent.fullname" .) }}
{{- else if and .Values.hub.enabled .Values.hub.bootstrapKeySecret (not .Values.upstream.url) }}
{{- .Values.hub.bootstrapKeySecret }}
{{- else }}
{{- .Values.upstream.existingSecret }}
{{- end }}
{{- end }}

{{/* The agents' deregister-on-exit: as set, or true for a Deployment and false for a DaemonSet. */}}
{{- define "runner-agent.deregisterOnExit" -}}
{{- if kindIs "bool" .Values.agent.deregisterOnExit }}
{{- .Values.agent.deregisterOnExit }}
{{- else }}
{{- eq .Values.agent.kind "Deployment" }}
{{- end }}
{{- end }}

{{/*
The queue of this nodepool at this release's hub, as the hub exports it once (its leader replica): pending and leased
items, of the nodepool and of no nodepool ("any"), scraped through the hub's ServiceMonitor (namespace and service).
*/}}
{{- define "runner-agent.queueQuery" -}}
{{- if .Values.autoscaling.query }}
{{- .Values.autoscaling.query }}
{{- else }}
{{- printf "sum({__name__=~\"runner_hub_items_(pending|leased)\",namespace=\"%s\",service=\"%s-hub\",nodepool=~\"%s|any\"}) or vector(0)" .Release.Namespace (include "runner-agent.fullname" .) .Values.nodepool.id }}
{{- end }}
{{- end }}

{{/* The three probes on Quarkus's health endpoints, and the port they use. */}}
{{- define "runner-agent.probes" -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /q/health/live
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end }}
