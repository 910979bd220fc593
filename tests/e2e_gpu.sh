#!/usr/bin/env bash
# The smoke sweep on the first CUDA device, with two workers packed on it:
# trials must run there and record it. Skips (exit 77) without a CUDA device,
# which is every machine with Debian's CPU-only LibTorch.
# Usage: e2e_gpu.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"

if ! "$sweep" run --dry-run --devices cuda:0 "$sweeps/smoke.json" > probe.log 2>&1; then
  # Only a missing GPU skips; anything else (the datasets, say) is a failure.
  grep -q "CUDA device" probe.log || { cat probe.log; fail "the dry run failed"; }
  echo "SKIP: no CUDA device: $(tail -1 probe.log)"
  exit 77
fi
"$sweep" run --devices cuda:0 --per-device 2 "$sweeps/smoke.json" > run.log 2>&1 || { cat run.log; fail "the sweep failed"; }
devices=$("$sweep" query --format csv "SELECT DISTINCT device FROM results" | tail -n +2 | tr -d '\r')
[ "$devices" = "cuda:0" ] || fail "trials ran on: $devices"
kind=$("$sweep" query --format csv "SELECT DISTINCT device_kind FROM trial_environment" | tail -n +2 | tr -d '\r')
[ "$kind" = "cuda" ] || fail "environment says $kind"
echo "gpu: $(grep -c '^done ' run.log) trials on cuda:0"
