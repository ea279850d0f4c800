#!/usr/bin/env bash
# kubernetes_manifests_test.sh DEPLOY_DIR
# The manifests of deploy/kubernetes parse (yq, i.e. PyYAML) and agree with
# each other, with the riskd.yaml inside the ConfigMap and with the
# container image: probes on /healthz and /readyz at the port metrics.listen
# names, the state volume at state.dir, Services and the PodDisruptionBudget
# selecting the pod, the ServiceMonitor selecting only the ClusterIP
# Service, every kustomization resource present, runAsUser = the image's uid.
# Scale-out (more than one replica): each pod's name reaches riskd as an
# environment variable that kafka.instance_id and http.advertised_url use,
# the advertised URL is the pod's name under the headless Service at the
# http port, the headless Service publishes pods that are not ready, the
# session timeout is set explicitly, and the PodDisruptionBudget lets one
# pod go at a time. With a real Kafka every pod gets the cluster secret from
# a Secret (an env var named by cluster.secret), never from the ConfigMap.
set -euo pipefail
deploy=$1
k8s=$deploy/kubernetes
for tool in yq jq; do
  command -v $tool >/dev/null || { echo "FAIL: $tool missing (scripts/setup.sh installs it)"; exit 1; }
done

docs=$(yq -s . "$k8s"/*.yaml)
config=$(yq -r '.data["riskd.yaml"]' "$k8s/configmap.yaml" | yq .)
files=$(cd "$k8s" && ls *.yaml | jq -R . | jq -s .)
image_uid=$(sed -n 's/.*useradd .*--uid \([0-9]*\).*/\1/p' "$deploy/container/Dockerfile")
image_user=$(sed -n 's/^USER \([0-9]*\).*/\1/p' "$deploy/container/Dockerfile")

problems=$(jq -n -r --argjson docs "$docs" --argjson config "$config" --argjson files "$files" \
  --arg image_uid "$image_uid" --arg image_user "$image_user" '
  def kind($k): [$docs[] | select(.kind == $k)];
  def port_of($listen): ($listen | split(":") | last | tonumber);
  def subset($a; $b): ($a | to_entries | all(.value == $b[.key]));

  (kind("StatefulSet")[0]) as $sts
  | ($sts.spec.template.spec) as $pod
  | ($pod.containers[0]) as $c
  | ([$c.ports[] | {(.name): .containerPort}] | add) as $ports
  | ($sts.spec.template.metadata.labels) as $podlabels
  | (kind("Service") | map(select(.spec.clusterIP != "None"))[0]) as $svc
  | (kind("Service") | map(select(.spec.clusterIP == "None"))[0]) as $headless
  | [
      (if ($docs | length) != ($files | length) then "expected one document per file" else empty end),
      ($docs[] | select(.kind != "Kustomization") | select(.apiVersion == null or .metadata.name == null)
        | "\(.kind): no apiVersion or metadata.name"),
      (kind("Kustomization")[0].resources[] as $r | select($files | index($r) | not) | "kustomization lists missing \($r)"),
      ($files[] as $f | select($f != "kustomization.yaml" and $f != "servicemonitor.yaml")
        | select(kind("Kustomization")[0].resources | index($f) | not) | "kustomization does not list \($f)"),
      (if ($sts.spec.replicas // 1) < 1 then "StatefulSet replicas must be at least 1" else empty end),
      (if ($sts.spec.replicas // 1) > 1 then
        ([$c.env[]? | select(.valueFrom.fieldRef.fieldPath == "metadata.name") | .name] | first) as $podvar
        | (if $podvar == null then "replicas > 1 but no env var carries the pod name (fieldRef metadata.name)" else
            (if ($config.kafka.instance_id // "") != ("${" + $podvar + "}")
              then "kafka.instance_id is not \"${\($podvar)}\" (one name per pod)" else empty end),
            (("http://${" + $podvar + "}." + $headless.metadata.name + ":" + ($ports.http | tostring)) as $want
              | if ($config.http.advertised_url // "") != $want
                then "http.advertised_url is not \($want)" else empty end)
          end),
        (if $headless.spec.publishNotReadyAddresses != true
          then "the headless Service must publish not-ready pods (peers forward to them)" else empty end),
        (if ($config.kafka.properties["session.timeout.ms"] // null) == null
          then "kafka.properties session.timeout.ms is not set (it governs failover time)" else empty end),
        (kind("PodDisruptionBudget")[] | select((.spec.maxUnavailable // 0) != 1 and
            ((.spec.minAvailable // 0) >= $sts.spec.replicas or (.spec.minAvailable // 0) < 1))
          | "PodDisruptionBudget must let exactly one pod go at a time")
      else empty end),
      (if $sts.spec.serviceName != $headless.metadata.name then "serviceName is not the headless Service" else empty end),
      (if ($config.kafka.properties["bootstrap.servers"] // null) == null then empty else
        ($config.cluster.secret // "") as $secret
        | if $secret == "" and ($config.cluster.secret_file // "") == ""
            then "cluster.secret (or secret_file) is not set: every pod needs the same cluster secret"
          elif $secret == "" then empty
          elif ($secret | test("^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$") | not)
            then "cluster.secret is written in the ConfigMap: take it from a Secret through ${VAR}"
          else ($secret | ltrimstr("${") | rtrimstr("}")) as $var
            | if ([$c.env[]? | select(.name == $var and .valueFrom.secretKeyRef != null)] | length) == 0
                then "cluster.secret names ${\($var)} but no env var of that name comes from a Secret" else empty end
          end
      end),
      (if subset($sts.spec.selector.matchLabels; $podlabels) then empty else "StatefulSet selector does not match its pods" end),
      (kind("Service")[] | select(subset(.spec.selector; $podlabels) | not) | "Service \(.metadata.name) does not select the pod"),
      (kind("Service")[] | .metadata.name as $n | .spec.ports[] | select($ports[.targetPort] != .port)
        | "Service \($n) port \(.name): targetPort \(.targetPort) is not container port \(.port)"),
      (kind("PodDisruptionBudget")[] | select(subset(.spec.selector.matchLabels; $podlabels) | not) | "PDB does not select the pod"),
      (kind("ServiceMonitor")[] |
        (if subset(.spec.selector.matchLabels; $svc.metadata.labels) then empty else "ServiceMonitor does not select Service \($svc.metadata.name)" end),
        (if subset(.spec.selector.matchLabels; $headless.metadata.labels) then "ServiceMonitor also selects the headless Service (double scrape)" else empty end),
        (.spec.endpoints[] | .port as $p | select([$svc.spec.ports[].name] | index($p) | not) | "ServiceMonitor port \($p) is not a Service port")),
      (if $ports.metrics != port_of($config.metrics.listen) then "container port metrics \($ports.metrics) != metrics.listen \($config.metrics.listen)" else empty end),
      (if $ports.http != port_of($config.http.listen) then "container port http \($ports.http) != http.listen \($config.http.listen)" else empty end),
      ($config.metrics.listen, $config.http.listen | select(startswith("127.") or startswith("localhost")) | "\(.) is loopback: unreachable in a pod"),
      (if $c.readinessProbe.httpGet.path != "/readyz" then "readinessProbe is not /readyz" else empty end),
      (if $c.livenessProbe.httpGet.path != "/healthz" then "livenessProbe is not /healthz" else empty end),
      ($c.readinessProbe, $c.livenessProbe, $c.startupProbe | select(.httpGet.port != "metrics") | "a probe is not on the metrics port"),
      (if ($sts.spec.template.metadata.annotations["prometheus.io/port"] | tonumber) != $ports.metrics then "prometheus.io/port is not the metrics port" else empty end),
      ($sts.spec.volumeClaimTemplates[0].metadata.name as $v
        | if ([$c.volumeMounts[] | select(.name == $v) | .mountPath] | first) != $config.state.dir
          then "the PersistentVolume \($v) is not mounted at state.dir \($config.state.dir)" else empty end),
      ([$pod.volumes[] | select(.configMap) | .configMap.name] | first) as $cm
        | (if (kind("ConfigMap") | map(.metadata.name) | index($cm)) == null then "the config volume names ConfigMap \($cm), which is not defined" else empty end),
      (([$c.volumeMounts[] | select(.name == "config") | .mountPath] | first) + "/riskd.yaml") as $path
        | (if ($c.args | index($path)) == null then "args do not pass --config \($path)" else empty end),
      (if $c.lifecycle.preStop == null then "no preStop hook" else empty end),
      (if ($pod.terminationGracePeriodSeconds // 30) < 30 then "terminationGracePeriodSeconds below 30" else empty end),
      (if $c.resources.requests == null or $c.resources.limits.memory == null then "no resource requests or memory limit" else empty end),
      (if ($pod.securityContext.runAsUser | tostring) != $image_uid or $image_uid != $image_user
        then "runAsUser \($pod.securityContext.runAsUser) != the image uid \($image_uid) / USER \($image_user)" else empty end),
      (if $c.securityContext.readOnlyRootFilesystem != true or $c.securityContext.allowPrivilegeEscalation != false
        then "container securityContext is not locked down" else empty end)
    ] | .[]')

n=$(echo "$docs" | jq length)
if [ -n "$problems" ]; then
  echo "$problems" | sed 's/^/FAIL: /'
  exit 1
fi
echo "ok: $n manifests parse and agree with each other, the ConfigMap's riskd.yaml and the Dockerfile"
