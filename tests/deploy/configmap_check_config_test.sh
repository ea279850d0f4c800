#!/usr/bin/env bash
# configmap_check_config_test.sh RISKD_BINARY DEPLOY_DIR
# The riskd.yaml inside deploy/kubernetes/configmap.yaml is a config riskd
# accepts: `riskd --check-config` exits 0 on it.
set -euo pipefail
riskd=$1
deploy=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
yq -r '.data["riskd.yaml"]' "$deploy/kubernetes/configmap.yaml" > "$tmp/riskd.yaml"
[ -s "$tmp/riskd.yaml" ] || { echo "FAIL: no data.riskd.yaml in configmap.yaml"; exit 1; }
if ! out=$("$riskd" --check-config "$tmp/riskd.yaml" 2>&1); then
  echo "FAIL: riskd --check-config rejects the ConfigMap's riskd.yaml:"
  echo "$out"
  exit 1
fi
echo "ok: riskd --check-config accepts the ConfigMap's riskd.yaml"
