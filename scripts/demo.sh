#!/usr/bin/env bash
# Installs what is missing, builds, and runs riskd on its embedded Kafka with
# sample traffic. (Until the pipeline lands it prints riskd --help.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
build/release/daemon/riskd --help
