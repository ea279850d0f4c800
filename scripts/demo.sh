#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts the
# real riskd on its embedded Kafka (no bootstrap.servers), feeds the sample
# stream (deploy/samples/account-events.txt: the SPEC section 1 incident plus
# benign traffic and one bad message), shows the RiskUpdates and the dead
# letter, asks the HTTP API for a decision, then stops riskd with SIGTERM.
# Bounded: it leaves nothing running and removes its temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release

work=$(mktemp -d /tmp/riskd-demo.XXXXXX)
riskd_pid=""
cleanup() {
  if [ -n "$riskd_pid" ] && kill -0 "$riskd_pid" 2>/dev/null; then
    kill -TERM "$riskd_pid" 2>/dev/null || true
    wait "$riskd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A port nothing listens on (bash's /dev/tcp: no extra tool needed).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}
http_port=$(free_port)
metrics_port=$(free_port)
# An analyst token: the demo asks about the sample incident as of its time
# (asOf), which support tokens may not do.
token="demo-analyst-token"
token_sha=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)

cat > "$work/riskd.yaml" <<YAML
# No kafka.properties."bootstrap.servers": riskd starts its embedded Kafka.
kafka:
  group_id: riskd-demo
state:
  dir: $work/state
http:
  listen: 127.0.0.1:$http_port
metrics:
  listen: 127.0.0.1:$metrics_port
auth:
  tokens:
    - { name: demo-analyst, role: analyst, sha256: "$token_sha" }
log:
  level: warn
YAML

echo "== starting riskd (embedded Kafka) =="
build/release/daemon/riskd --config "$work/riskd.yaml" >"$work/stdout" 2>"$work/stderr" &
riskd_pid=$!
bootstrap=""
for _ in $(seq 1 100); do
  bootstrap=$(sed -n 's/^kafka bootstrap: //p' "$work/stdout" | head -n1)
  [ -n "$bootstrap" ] && break
  if ! kill -0 "$riskd_pid" 2>/dev/null; then cat "$work/stderr" >&2; exit 1; fi
  sleep 0.1
done
[ -n "$bootstrap" ] || { echo "riskd did not start" >&2; cat "$work/stderr" >&2; exit 1; }
echo "kafka bootstrap: $bootstrap"

echo "== producing deploy/samples/account-events.txt with kcat =="
kcat -b "$bootstrap" -t account-events -P -K '|' -l deploy/samples/account-events.txt

echo "== RiskUpdates on risk-decisions (key: value) =="
updates=""
for _ in $(seq 1 60); do
  updates=$(kcat -b "$bootstrap" -t risk-decisions -C -e -q -o beginning -f '%k: %s\n' 2>/dev/null || true)
  case "$updates" in *'"triggerEventId":"s-009"'*) break ;; esac
  sleep 0.5
done
printf '%s\n' "$updates"
case "$updates" in *'"triggerEventId":"s-009"'*) ;; *) echo "no RiskUpdate for the incident" >&2; exit 1 ;; esac

echo "== dead letters on account-events.dlq =="
kcat -b "$bootstrap" -t account-events.dlq -C -e -q -o beginning -f 'key=%k headers=%h value=%s\n' 2>/dev/null || true

echo "== support asks: may I send acct-42's credentials to the email on file? =="
if curl -fsS "http://127.0.0.1:$metrics_port/healthz" >/dev/null 2>&1; then
  curl -sS -X POST "http://127.0.0.1:$http_port/v1/accounts/acct-42/evaluate" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false,"asOf":"2026-11-28T09:15:00Z"}'
  echo
else
  echo "(the HTTP API is not wired into this build yet)"
fi

echo "== stopping riskd (SIGTERM) =="
kill -TERM "$riskd_pid"
wait "$riskd_pid"
echo "riskd exited $?"
riskd_pid=""
