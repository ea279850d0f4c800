#!/usr/bin/env bash
# Evaluate throughput and latency with wrk (Debian package `wrk`) against
# the in-process load target http_bench_server.
#   tests/daemon/http/wrk_evaluate.sh BUILD_DIR [server_threads] [connections] [seconds]
set -euo pipefail
build=${1:?build dir}
threads=${2:-2}
connections=${3:-32}
seconds=${4:-20}
here=$(cd "$(dirname "$0")" && pwd)
server=$build/tests/daemon/http/http_bench_server
coproc SERVER { "$server" "$threads"; }
read -r _ port <&"${SERVER[0]}"
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
echo "http_bench_server on 127.0.0.1:$port, $threads threads; wrk -t1 -c$connections -d${seconds}s"
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$here/wrk_evaluate.lua" "http://127.0.0.1:$port"
