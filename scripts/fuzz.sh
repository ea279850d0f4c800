#!/usr/bin/env bash
# fuzz.sh [seconds]: builds the libFuzzer targets of tests/fuzz into
# build/fuzz (clang-14, -DRISKD_FUZZ=ON: only those targets and the
# libraries they link) and runs each for `seconds` (default 60) over a copy
# of its seed corpus tests/fuzz/corpus/<target>/ (the checked-in corpus is
# never grown; 0 seconds: build only). Exits non-zero when any target finds a crash, a leak or a
# timeout, and prints the reproducer's path:
#   build/fuzz/tests/fuzz/<target> <reproducer>     runs it again.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DRISKD_FUZZ=ON \
  -DRISKD_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" >/dev/null
cmake --build build/fuzz --target fuzz_targets -j "$(nproc)"
if [ "$seconds" -eq 0 ]; then  # libFuzzer reads 0 as "no limit": build only
  echo "fuzz: targets built in build/fuzz/tests/fuzz"
  exit 0
fi

symbolizer=$(command -v llvm-symbolizer-14 || echo /usr/lib/llvm-14/bin/llvm-symbolizer)
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for seeds in tests/fuzz/corpus/*/; do
  target=$(basename "$seeds")
  work=build/fuzz/run/$target
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "$seeds". "$work/corpus/"
  echo "== fuzz $target (${seconds}s) =="
  if build/fuzz/tests/fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" \
       >"$work/log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/log" | tr '\n' ' '
    echo
  else
    failed+=("$target")
    tail -n 60 "$work/log"
    for r in "$work"/artifacts/*; do
      [ -e "$r" ] && echo "fuzz: $target failed; reproduce: build/fuzz/tests/fuzz/$target $r"
    done
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no crash, leak or timeout in $seconds s per target"
