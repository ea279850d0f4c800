#!/usr/bin/env bash
# build.sh [release|asan]: configures and builds one flavour into build/<flavour>.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
case "$flavour" in
  release) extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    extra=(-DCMAKE_BUILD_TYPE=Debug -DRISKD_SANITIZE=ON -DRISKD_BUILD_BENCH=OFF
                  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g") ;;
  *) echo "usage: build.sh [release|asan]" >&2; exit 2 ;;
esac
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Relative paths in the cache key, so a fresh clone in another folder (CI)
# reuses what an earlier build on this machine compiled.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B "build/$flavour" -G Ninja "${extra[@]}" >/dev/null
cmake --build "build/$flavour" -j "$(nproc)"
