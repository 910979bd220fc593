#!/usr/bin/env bash
# Configures and builds sweep and its tests in build/ (Release, Ninja).
# Extra arguments go to CMake's configure step, e.g. -DCMAKE_PREFIX_PATH=...
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
