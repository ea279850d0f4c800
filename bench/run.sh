#!/usr/bin/env bash
# bench/run.sh <name> [--smoke] [extra riskd_bench flags]: runs one benchmark
# of issue 8 and prints its JSON summary as the last line.
#
#   names: ingest (protobuf), ingest_json, latency, api, state, memory,
#          recovery, all
#
# Needs only scripts/setup.sh and a release build (bash scripts/build.sh
# release). Generated events are cached in $RISKD_BENCH_DATA (default
# <build>/bench-data); the last summary of each benchmark is kept there as
# results/<name>.json (latency and api take half of the last protobuf ingest
# rate as their steady rate). --smoke runs tiny sizes (what ctest runs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${RISKD_BUILD_DIR:-$root/build/release}
name=${1:?usage: run.sh ingest|ingest_json|latency|api|state|memory|recovery|all [--smoke] [flags]}
shift
smoke=false
if [ "${1:-}" = "--smoke" ]; then smoke=true; shift; fi
extra=("$@")

data=${RISKD_BENCH_DATA:-$build/bench-data}
$smoke && data=$(mktemp -d "${TMPDIR:-/tmp}/riskd-bench-smoke.XXXXXX") && trap 'rm -rf "$data"' EXIT
mkdir -p "$data/results"
bench=$build/bench/riskd_bench
riskd=$build/daemon/riskd
riskctl=$build/daemon/riskctl
for b in "$bench" "$riskd" "$riskctl"; do
  [ -x "$b" ] || { echo "run.sh: $b missing; bash scripts/build.sh release" >&2; exit 1; }
done

if $smoke; then
  accounts=150 days=3 partitions=4
else
  # ~2 million events: 40,000 accounts over 30 days of riskctl generate's
  # benign traffic plus 2% attacked accounts.
  accounts=40000 days=30 partitions=32
fi
events=$data/events-$accounts-$days.pb
if [ ! -s "$events" ]; then
  start=$(date -u -d "-$((days + 1)) days" +%Y-%m-%dT00:00:00Z)
  "$riskctl" generate --seed 8 --accounts "$accounts" --days "$days" --attack-rate 0.02 --start "$start" \
    --out "$events.tmp.pb" --labels "$data/labels-$accounts-$days.csv" >&2
  mv "$events.tmp.pb" "$events"
fi

steady_rate() {  # half the last measured protobuf ingest rate
  local f=$data/results/ingest.json
  if $smoke; then echo 500
  elif [ -s "$f" ]; then jq -r '.riskd_events_per_second / 2 | floor' "$f"
  else echo 10000
  fi
}

run() {  # run <result name> riskd_bench args…
  local result=$1; shift
  local out
  out=$("$bench" "$@" "${extra[@]}")
  local last
  last=$(printf '%s\n' "$out" | tail -n 1)
  printf '%s\n' "$last" | jq -e . >/dev/null || { echo "run.sh: $result printed no JSON summary" >&2; exit 1; }
  printf '%s\n' "$last" > "$data/results/$result.json"
  printf '%s\n' "$last"
}

case "$name" in
  ingest|ingest_json)
    # JSON is ~3x larger and compresses worse: more partitions keep it
    # inside the mock's 5 MiB per partition.
    format=protobuf p=$partitions
    if [ "$name" = ingest_json ]; then format=json; $smoke || p=96; fi
    run "$name" ingest --riskd "$riskd" --events "$events" --format "$format" --partitions "$p" ;;
  latency)
    if $smoke; then secs=3; else secs=30; fi
    run latency latency --riskd "$riskd" --events "$events" --partitions "$partitions" \
      --rate "$(steady_rate)" --seconds "$secs" ;;
  api)
    if $smoke; then a=(--seconds 2 --preload 2000 --connections 4); else a=(--seconds 15 --preload 200000 --connections 16); fi
    run api api --riskd "$riskd" --events "$events" --partitions "$partitions" --wrk-script "$here/wrk_evaluate.lua" \
      --rate "$(steady_rate)" "${a[@]}" ;;
  state)
    if $smoke; then limit=3000; else limit=500000; fi
    run state state --events "$events" --limit "$limit" --partitions "$partitions" ;;
  memory)
    # Each account gets one login (--events-per-account 1) so that 10 M
    # accounts build in minutes; RISKD_BENCH_MEMORY_SIZES="N …" chooses the sizes.
    if $smoke; then sizes=(2000); a=(--touch-events 2000 --seconds 2 --stats-wait-seconds 0)
    else sizes=(${RISKD_BENCH_MEMORY_SIZES:-100000 1000000 10000000}); a=(--touch-events 200000 --seconds 10); fi
    all=()
    for n in "${sizes[@]}"; do
      all+=("$(run "memory-$n" memory --riskd "$riskd" --accounts "$n" --partitions "$partitions" --events-per-account 1 \
        --wrk-script "$here/wrk_evaluate.lua" "${a[@]}")")
      printf '%s\n' "${all[-1]}" >&2
    done
    printf '%s\n' "${all[@]}" | jq -c -s '{bench: "memory", runs: .}' | tee "$data/results/memory.json" ;;
  recovery)
    if $smoke; then a=(--accounts 2000 --touch-events 1000); else a=(--accounts 1000000 --touch-events 50000); fi
    a+=(--events-per-account 1)
    # riskd's defaults, then with static membership (kafka.instance_id).
    r1=$(run recovery-default recovery --riskd "$riskd" --partitions "$partitions" "${a[@]}")
    printf '%s\n' "$r1" >&2
    r2=""
    $smoke || r2=$(run recovery-static recovery --riskd "$riskd" --partitions "$partitions" "${a[@]}" \
      --instance-id riskd-bench-1)
    printf '%s\n%s\n' "$r1" "$r2" | jq -c -s '{bench: "recovery", runs: .}' | tee "$data/results/recovery.json" ;;
  all)
    for n in ingest ingest_json state latency api recovery memory; do
      s=(); $smoke && s=(--smoke)
      bash "$0" "$n" "${s[@]}" "${extra[@]}" | tail -n 1 >&2
    done
    cat "$data"/results/{ingest,ingest_json,state,latency,api,recovery,memory}.json | jq -c -s '{bench: "all", runs: .}' ;;
  *) echo "run.sh: unknown benchmark $name" >&2; exit 2 ;;
esac
