#!/usr/bin/env bash
# check_config_bad_test.sh RISKD BAD_YAML: `riskd --check-config` on a file
# with planted problems must exit 1 and name every one of them, each as
# `<key>: <message>`, in a single run.
set -uo pipefail
riskd=$1
file=$2
out=$("$riskd" --check-config "$file" 2>&1)
rc=$?
echo "$out"
if [ "$rc" -ne 1 ]; then
  echo "FAIL: exit code $rc, want 1" >&2
  exit 1
fi
expected=(
  kafka.decisions_format kafka.batch_max_wait 'kafka.input_topics\[1\]'
  state.block_cache_bytes http.listen http.threads http.idle_timeout http.tls.cert_file
  metrics.lissten log.level 'auth.tokens\[1\].name' 'auth.tokens\[1\].role'
  'auth.tokens\[1\].sha256' scoring.half_life scoring.thresholds.high
  scoring.rules.failed_login_burst.count scoring.rules.brand_new_rule
  policy.SEND_CREDENTIALS.support_minimum
)
missing=0
for key in "${expected[@]}"; do
  if ! grep -q "^$key: " <<<"$out"; then
    echo "FAIL: no problem named $key" >&2
    missing=1
  fi
done
# The planted digest is never echoed.
if grep -q c0ffee <<<"$out"; then
  echo "FAIL: a token digest was echoed" >&2
  missing=1
fi
exit $missing
