#!/usr/bin/env bash
# Installs the Debian packages riskd needs to build, test and run.
# Idempotent and quiet: prints nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # fuzzing (scripts/fuzz.sh): clang, libFuzzer, llvm-symbolizer
  clang-14 libfuzzer-14-dev llvm-14
  # libraries
  libboost-dev libboost-system-dev librdkafka-dev librocksdb-dev
  prometheus-cpp-dev libprotobuf-dev protobuf-compiler libyaml-cpp-dev
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  # tools the tests and demo use
  curl openssl kcat procps wrk
  # benchmarks (bench/): RocksDB's db_bench
  rocksdb-tools
  # deploy checks: promtool and the server, systemd-analyze, JSON and YAML queries
  prometheus systemd jq yq python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root (or install them)" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
