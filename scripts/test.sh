#!/usr/bin/env bash
# The second set-up command: installs what is missing, builds, runs the tests.
# The slow label (the full default study), the pairwise label (every pair of
# features in 20 small studies; the default run takes the first 6) and the
# kit label (the device kit in a fresh minimal Debian root, about 20 minutes)
# are left out; run them with
#   ctest --test-dir build -L slow --output-on-failure
#   ctest --test-dir build -L pairwise --output-on-failure
#   ctest --test-dir build -L kit --output-on-failure     (root, Debian's archive)
# The slurm label starts a single-node Slurm of its own (as root; skipped
# otherwise), with the packages deps.sh --tests installs.
#
# With CI set (.ci/run), also: our warnings are errors; the LibTorch-free
# libraries and their unit tests are built again in build-asan and run under
# AddressSanitizer and UndefinedBehaviorSanitizer; and clang-tidy checks the
# LibTorch-free .cpp files the last commit changed (the whole tree takes too
# long for CI: run scripts/tidy.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${CI:-}" in
  "" | false | 0) ci=false ;;
  *) ci=true ;;
esac

if $ci; then scripts/deps.sh --ci; else scripts/deps.sh --tests; fi
scripts/build.sh -DSWEEP_WERROR="$($ci && echo ON || echo OFF)"
ctest --test-dir build -LE "slow|kit|pairwise" --output-on-failure -j "$(nproc)"
$ci || exit 0

start=$SECONDS
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSWEEP_WITH_TORCH=OFF \
  -DSWEEP_SANITIZE=ON -DSWEEP_WERROR=ON
cmake --build build-asan -j "$(nproc)"
ctest --test-dir build-asan -L unit --output-on-failure -j "$(nproc)"
echo "test.sh: sanitizer build and unit tests in $((SECONDS - start)) s"

if changed=$(git diff --name-only --diff-filter=d HEAD~1 HEAD -- '*.cpp' 2>/dev/null); then
  # Only files build-asan compiles: a LibTorch file takes clang-tidy minutes.
  mapfile -t files < <(for f in $changed; do
    grep -q "\"file\": \"$PWD/$f\"" build-asan/compile_commands.json && echo "$f"
  done)
  if [ ${#files[@]} -gt 0 ]; then
    scripts/tidy.sh build-asan "${files[@]}"
  else
    echo "test.sh: the last commit changed no LibTorch-free .cpp file; clang-tidy has nothing to check"
  fi
else
  echo "test.sh: no previous commit here (a shallow checkout?); clang-tidy skipped"
fi
