#!/usr/bin/env bash
# prometheus_live_test.sh RISKD_BINARY ALERTS_YML
# End to end with the real tools: starts riskd on its embedded Kafka (no
# bootstrap.servers) with a temp config on loopback ports, produces events
# with kcat to the bootstrap it prints, asks the API once (so the HTTP and
# evaluation metrics have children), then:
#   - a live scrape of /metrics passes `promtool check metrics` and names
#     every SPEC section 8 metric;
#   - a real Prometheus (Debian's `prometheus`) scrapes riskd every second,
#     and /api/v1/query returns sum(riskd_events_total) = the events sent,
#     with up = 1;
#   - the same Prometheus loads alerts.yml and every rule evaluates against
#     the live series without error;
#   - SIGTERM stops riskd with exit status 0.
# Everything listens on 127.0.0.1; every wait is bounded.
set -euo pipefail
riskd=$1
alerts=$(readlink -f "$2")  # prometheus resolves rule_files against its config file
events=5
for tool in kcat prometheus promtool curl jq openssl; do
  command -v $tool >/dev/null || { echo "FAIL: $tool missing (scripts/setup.sh installs it)"; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$tmp"/riskd.out "$tmp"/riskd.err "$tmp"/prometheus.err; do
    [ -s "$f" ] && { echo "--- last lines of $(basename "$f")"; tail -n 30 "$f"; }
  done
  exit 1
}
# wait_for SECONDS COMMAND...: polls every 0.2 s; fails at once if riskd died.
riskd_pid=
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    if [ -n "$riskd_pid" ] && ! kill -0 "$riskd_pid" 2>/dev/null; then
      local status=0
      wait "$riskd_pid" || status=$?
      fail "riskd exited with status $status before the test was done"
    fi
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

metrics_port=$(free_port)
http_port=$(free_port)
prom_port=$(free_port)
token=$(openssl rand -hex 16)
token_sha=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

cat > "$tmp/riskd.yaml" <<YAML
state:
  dir: $tmp/state
http:
  listen: 127.0.0.1:$http_port
metrics:
  listen: 127.0.0.1:$metrics_port
auth:
  tokens:
    - { name: live-test, role: analyst, sha256: "$token_sha" }
YAML

"$riskd" --config "$tmp/riskd.yaml" >"$tmp/riskd.out" 2>"$tmp/riskd.err" &
riskd_pid=$!
pids+=("$riskd_pid")

bootstrap_line() { grep -ho 'kafka bootstrap: [0-9.]*:[0-9]*' "$tmp/riskd.out" "$tmp/riskd.err" | head -n 1; }
wait_for 60 bootstrap_line || fail "riskd printed no 'kafka bootstrap: <host:port>' within 60 s"
bootstrap=$(bootstrap_line | sed 's/kafka bootstrap: //')
wait_for 60 curl -fsS "http://127.0.0.1:$metrics_port/healthz" || fail "no /healthz on 127.0.0.1:$metrics_port within 60 s"
echo "riskd up: kafka $bootstrap, metrics 127.0.0.1:$metrics_port, http 127.0.0.1:$http_port"

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run=$(openssl rand -hex 4)
for i in $(seq 1 $events); do
  printf 'acct-live-%s|{"eventId":"live-%s-%d","accountId":"acct-live-%s","occurredAt":"%s","context":{"ip":"203.0.113.%d","deviceId":"d-%d"},"login":{"result":"SUCCESS","method":"PASSWORD"}}\n' \
    "$run" "$run" "$i" "$run" "$now" "$i" "$i"
done > "$tmp/events.txt"
kcat -b "$bootstrap" -t account-events -P -K '|' -H content-type=application/json -l "$tmp/events.txt" \
  || fail "kcat could not produce to $bootstrap"

applied() {
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" \
    | awk '/^riskd_events_total[{ ]/ { n += $NF } END { exit !(n >= '"$events"') }'
}
wait_for 60 applied || fail "riskd_events_total did not reach $events within 60 s"
echo "riskd applied $events events"

# One risk read and one evaluation, so the API metrics have children.
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port/v1/accounts/acct-live-$run/risk" >/dev/null \
  || fail "GET /v1/accounts/…/risk failed"
curl -fsS -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false}' \
  "http://127.0.0.1:$http_port/v1/accounts/acct-live-$run/evaluate" >/dev/null || fail "POST …/evaluate failed"

# Consumer lag comes from librdkafka's statistics (every 5 s by default).
lag_reported() { curl -fsS "http://127.0.0.1:$metrics_port/metrics" | grep -q '^riskd_consumer_lag_messages{'; }
wait_for 30 lag_reported || fail "no riskd_consumer_lag_messages series within 30 s"

curl -fsS "http://127.0.0.1:$metrics_port/metrics" > "$tmp/scrape.txt"
promtool check metrics < "$tmp/scrape.txt" || fail "promtool check metrics rejects the live scrape"
missing=()
for m in riskd_events_total riskd_events_rejected_total riskd_event_duplicates_total \
         riskd_event_processing_seconds_bucket riskd_event_lag_seconds_bucket riskd_consumer_lag_messages \
         riskd_rule_fired_total riskd_level_transitions_total riskd_evaluations_total \
         riskd_http_requests_total riskd_http_request_duration_seconds_bucket riskd_accounts \
         riskd_state_bytes riskd_config_reloads_total riskd_config_info riskd_build_info; do
  grep -q "^$m[{ ]" "$tmp/scrape.txt" || missing+=("$m")
done
[ ${#missing[@]} -eq 0 ] || fail "the live scrape lacks SPEC metrics: ${missing[*]}"
echo "live scrape passes promtool check metrics and names every SPEC section 8 metric"

cat > "$tmp/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $alerts
scrape_configs:
  - job_name: riskd
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YAML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn 2>"$tmp/prometheus.err" &
pids+=("$!")
api="http://127.0.0.1:$prom_port"
wait_for 60 curl -fsS "$api/-/ready" || fail "prometheus not ready within 60 s"

query() { curl -fsS --get "$api/api/v1/query" --data-urlencode "query=$1"; }
seen() {
  query 'sum(riskd_events_total{job="riskd"})' | jq -e --argjson n "$events" '.data.result[0].value[1] | tonumber >= $n'
}
wait_for 60 seen || fail "Prometheus query sum(riskd_events_total) did not return $events within 60 s: $(query 'sum(riskd_events_total)')"
query 'up{job="riskd"}' | jq -e '.data.result[0].value[1] == "1"' >/dev/null || fail "up{job=riskd} is not 1"
echo "Prometheus: sum(riskd_events_total{job=\"riskd\"}) = $(query 'sum(riskd_events_total{job="riskd"})' | jq -r '.data.result[0].value[1]'), up = 1"

rules_evaluated() {
  curl -fsS "$api/api/v1/rules" | jq -e '[.data.groups[].rules[]] | length > 0 and all(.lastEvaluation != "0001-01-01T00:00:00Z")'
}
wait_for 30 rules_evaluated || fail "the alert rules were not evaluated within 30 s"
bad=$(curl -fsS "$api/api/v1/rules" | jq -r '.data.groups[].rules[] | select(.health != "ok") | "\(.name): \(.lastError)"')
[ -z "$bad" ] || fail "alert rules failing against live series: $bad"
echo "Prometheus evaluates $(curl -fsS "$api/api/v1/rules" | jq '[.data.groups[].rules[]] | length') alert rules without error"

kill -TERM "$riskd_pid"
status=0
for _ in $(seq 1 150); do kill -0 "$riskd_pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$riskd_pid" 2>/dev/null && fail "riskd still running 30 s after SIGTERM"
wait "$riskd_pid" || status=$?
[ "$status" -eq 0 ] || fail "riskd exited $status after SIGTERM"
echo "riskd stopped cleanly on SIGTERM"
