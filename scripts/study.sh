#!/usr/bin/env bash
# The first set-up command: installs what is missing, builds, runs the default
# study (sweeps/cats_vs_buildings.json) and writes its report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
build/runner/sweep run sweeps/cats_vs_buildings.json
build/runner/sweep report
echo
echo "HTML report:"
build/runner/sweep report --html
