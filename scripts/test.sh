#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds the release and the
# AddressSanitizer+UBSan flavours, runs ctest on both, then the libFuzzer
# targets for RISKD_FUZZ_SECONDS each (default 60; scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
bash scripts/build.sh asan
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=$(nproc)
echo "== ctest (asan+ubsan) =="
ctest --test-dir build/asan --output-on-failure -j "$jobs" --timeout 600
echo "== ctest (release) =="
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 600
echo "== fuzz (libFuzzer, clang) =="
bash scripts/fuzz.sh "${RISKD_FUZZ_SECONDS:-60}"
