#!/usr/bin/env bash
# The second set-up command: installs what is missing, builds, runs the tests.
# The slow label (the full default study), the pairwise label (every pair of
# features in 20 small studies; the default run takes the first 6) and the
# kit label (the device kit in a fresh minimal Debian root, about 20 minutes)
# are left out, and so are trixie (both README commands in a fresh Debian 13
# root) and cuda-build (sweep built against Debian 13's CUDA LibTorch): each
# installs a root's packages and builds everything again. CI runs the last two
# itself, below; run them all with
#   ctest --test-dir build -L slow --output-on-failure
#   ctest --test-dir build -L pairwise --output-on-failure
#   ctest --test-dir build -L kit --output-on-failure     (root, Debian's archive)
#   ctest --test-dir build -L trixie --output-on-failure  (root, Debian's archive)
#   ctest --test-dir build -L cuda-build --output-on-failure  (root, Debian's archive)
# The slurm label starts a single-node Slurm of its own (as root; skipped
# otherwise), with the packages deps.sh --tests installs.
#
# SWEEP_WERROR=ON makes our warnings errors outside CI too.
# With CI set (.ci/run), also: our warnings are errors; every tracked C++ file
# is as clang-format writes it; the LibTorch-free libraries and their unit
# tests are built again in build-asan and run under AddressSanitizer and
# UndefinedBehaviorSanitizer; clang-tidy checks every LibTorch-free .cpp file
# (scripts/tidy.sh build-asan: 114 files, measured at 515 s on 2 cores that
# other builds shared, inside CI's 10 minutes for it); and the two Debian 13
# checks run: this test command in a fresh trixie root (LibTorch 2.6; the
# default study there stays with the trixie label, as it stays with slow here)
# and the CUDA build. Their roots are kept under /var/tmp, which a fresh CI
# machine lacks, so there they are made (timed in the README, Platforms).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${CI:-}" in
  "" | false | 0) ci=false ;;
  *) ci=true ;;
esac

if $ci; then scripts/deps.sh --ci; else scripts/deps.sh --tests; fi
scripts/build.sh -DSWEEP_WERROR="${SWEEP_WERROR:-$($ci && echo ON || echo OFF)}"
ctest --test-dir build -LE "slow|kit|pairwise|trixie|cuda-build" --output-on-failure -j "$(nproc)"
$ci || exit 0

git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format --dry-run --Werror ||
  { echo "test.sh: the files above are not as clang-format writes them; run clang-format -i on them" >&2; exit 1; }

start=$SECONDS
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSWEEP_WITH_TORCH=OFF \
  -DSWEEP_SANITIZE=ON -DSWEEP_WERROR=ON
cmake --build build-asan -j "$(nproc)"
ctest --test-dir build-asan -L unit --output-on-failure -j "$(nproc)"
echo "test.sh: sanitizer build and unit tests in $((SECONDS - start)) s"

# clang-tidy over the whole LibTorch-free tree: CI runs in a fresh clone of
# what was submitted, which knows no "last commit CI passed" (its origin/main is
# HEAD itself), and the whole tree fits CI's time.
scripts/tidy.sh build-asan

tests/trixie_root.sh . --test-command-only
tests/cuda_build.sh .
