#!/usr/bin/env bash
# The second set-up command: installs what is missing, builds, runs the tests.
# The slow label (the full default study) is left out; run it with
#   ctest --test-dir build -L slow --output-on-failure
# The slurm label starts a single-node Slurm of its own (as root; skipped
# otherwise), with the packages deps.sh --tests installs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --tests
scripts/build.sh
ctest --test-dir build -LE slow --output-on-failure -j "$(nproc)"
