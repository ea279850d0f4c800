#!/usr/bin/env bash
# container_runtime_libs_test.sh RISKD_BINARY DOCKERFILE
# Docker does not run here, so this checks the runtime stage of the
# Dockerfile without building it: every package its apt-get installs exists
# in Debian (apt-cache), and every shared library the built riskd needs
# (readelf NEEDED -> dpkg -S) comes from one of those packages, their
# dependencies (what apt-get installs with them), or what
# debian:bookworm-slim already has. Sanitizer runtimes of the ASan build are
# ignored: the image builds the release flavour.
set -euo pipefail
bin=$1
dockerfile=$2
[ -x "$bin" ] || { echo "FAIL: $bin is not built"; exit 1; }

# In debian:bookworm-slim already (Essential or required by apt).
base=(libc6 libgcc-s1 libstdc++6 zlib1g libzstd1 liblz4-1 libbz2-1.0 liblzma5 libsystemd0)
sanitizers=(libasan8 libubsan1)

runtime=$(awk '/^FROM debian:bookworm-slim/ { rt = 1 } rt && /apt-get install/ { on = 1 } on { print } on && /rm -rf/ { exit }' "$dockerfile" \
  | tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -vxE 'apt-get|install|rm|lists' || true)
[ -n "$runtime" ] || { echo "FAIL: no apt-get install in the bookworm-slim stage of $dockerfile"; exit 1; }

if ! apt-cache policy libc6 2>/dev/null | grep 'Candidate: [0-9]' >/dev/null; then
  echo "SKIP: apt lists are empty (run apt-get update): cannot check package names"
  exit 77
fi
status=0
# One apt-cache call: it prints a "name:" header and a candidate per known package.
known=$(apt-cache policy $runtime 2>/dev/null | awk '/^[^ ].*:$/ { sub(":$", ""); p = $0 } /Candidate: [0-9]/ { print p }')
for p in $runtime; do
  printf '%s\n' $known | grep -x "$p" >/dev/null || { echo "FAIL: $p (Dockerfile runtime stage) is not a Debian package here"; status=1; }
done

# What apt-get install brings: the packages and their Depends/PreDepends, recursively.
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
            --no-replaces --no-enhances $runtime 2>/dev/null | grep -E '^[a-z0-9]' | sort -u)

# One ldconfig and one dpkg -S for all libraries (each call costs a second).
cache=$(ldconfig -p)
needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
declare -A path_of
candidates=()
for lib in $needed; do
  path=$(echo "$cache" | awk -v l="$lib" '!f && $1 == l && /x86-64|x32|aarch64/ { print $NF; f = 1 }')
  [ -n "$path" ] || path=$(echo "$cache" | awk -v l="$lib" '!f && $1 == l { print $NF; f = 1 }')
  path_of[$lib]=$path
  # merged /usr: dpkg knows each file under one of its two names
  [ -n "$path" ] && candidates+=("$path" "${path/#\/usr\/lib\//\/lib\/}" "${path/#\/lib\//\/usr\/lib\/}" "$(readlink -f "$path")")
done
owners=$(dpkg -S "${candidates[@]}" 2>/dev/null || true)   # "pkg[:arch]: /path" per found path
pkg_of() {
  local path=$1 candidate
  for candidate in "$path" "${path/#\/usr\/lib\//\/lib\/}" "${path/#\/lib\//\/usr\/lib\/}" "$(readlink -f "$path")"; do
    echo "$owners" | awk -v p="$candidate" '!f && $NF == p { sub(/:.*/, "", $1); print $1; f = 1 }' | grep . && return 0
  done
  return 0  # none: the caller reports it
}
for lib in $needed; do
  path=${path_of[$lib]}
  [ -n "$path" ] || { echo "FAIL: $lib (NEEDED by riskd) not found by ldconfig"; status=1; continue; }
  pkg=$(pkg_of "$path")
  [ -n "$pkg" ] || { echo "FAIL: no Debian package owns $path ($lib)"; status=1; continue; }
  if printf '%s\n' "${sanitizers[@]}" | grep -x "$pkg" >/dev/null; then continue; fi
  if printf '%s\n' $runtime "${base[@]}" | grep -x "$pkg" >/dev/null; then
    echo "ok: $lib <- $pkg"
  elif printf '%s\n' $closure | grep -x "$pkg" >/dev/null; then
    echo "ok: $lib <- $pkg (a dependency of the runtime packages)"
  else
    echo "FAIL: riskd needs $lib from $pkg, which the Dockerfile's runtime stage does not install"
    status=1
  fi
done
[ $status -eq 0 ] && echo "ok: $(echo $runtime | wc -w) runtime packages exist; riskd's $(echo $needed | wc -w) libraries are all provided"
exit $status
