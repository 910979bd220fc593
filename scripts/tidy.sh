#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy) on the project's own .cpp files,
# in parallel, with the compile commands of a configured build folder; any
# finding fails. Prints how long it took.
# Usage: scripts/tidy.sh [BUILD_DIR [PATH...]]
#   BUILD_DIR: a configured build folder (default: build)
#   PATH: only the sources at or under these paths (default: all of ours)
# Each translation unit that includes LibTorch takes clang-tidy about two
# minutes, and one that includes GoogleTest or nlohmann_json ten to twenty
# seconds. build-asan (SWEEP_WITH_TORCH=OFF) holds only the LibTorch-free code.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build}
[ $# -gt 0 ] && shift
tidy=$(command -v clang-tidy || command -v clang-tidy-14) ||
  { echo "tidy.sh: clang-tidy not found; install Debian's clang-tidy" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] ||
  { echo "tidy.sh: no $build/compile_commands.json; configure $build first" >&2; exit 2; }

prefixes=()
for path in "${@:-core cluster storage experiments analysis runner bench tests}"; do
  for p in $path; do
    [ -d "$p" ] && p="${p%/}/"
    prefixes+=("$root/$p")
  done
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# GCC's precompiled headers are no use to clang: the files include what they need.
sed -e 's| -include [^ ]*cmake_pch\.hxx||g' -e 's| -Winvalid-pch||g' \
  "$build/compile_commands.json" > "$work/compile_commands.json"
# Our sources (not the ones CMake generates) under the paths asked for.
files=()
while read -r file; do
  for prefix in "${prefixes[@]}"; do
    if [[ $file == "$prefix"* && $file == *.cpp ]]; then
      files+=("$file")
      break
    fi
  done
done < <(sed -n 's|^ *"file": "\(.*\)",\{0,1\}$|\1|p' "$work/compile_commands.json" | sort -u)
[ ${#files[@]} -gt 0 ] || { echo "tidy.sh: no sources of ours in $build under $*" >&2; exit 2; }

check() {
  local log="$work/log/${1//\//_}"
  if ! "$tidy" -p "$work" --quiet --warnings-as-errors='*' "$1" > "$log" 2>&1; then
    grep -v ' warnings\{0,1\} generated\.$' "$log" || true
    return 1
  fi
}
export -f check
export tidy work
mkdir "$work/log"
start=$SECONDS
status=0
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -I{} bash -c 'check "$1"' _ {} || status=$?
echo "tidy.sh: ${#files[@]} files in $((SECONDS - start)) s with $(nproc) jobs:" \
  "$([ $status -eq 0 ] && echo no findings || echo findings above)"
[ $status -eq 0 ]
