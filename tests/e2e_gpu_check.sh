#!/usr/bin/env bash
# scripts/gpu-check.sh's dry run on this build: every step the device would run,
# on the CPU in a small configuration, and the table it prints. The kit and the
# configure against it are tested by kit_root.sh (label kit).
# Usage: e2e_gpu_check.sh REPO BUILD_DIR
set -euo pipefail
repo=$1
build=$2
sweep=$build/runner/sweep
source "$(dirname "$0")/e2e_lib.sh"

OUT=$work/out-dir "$repo/scripts/gpu-check.sh" --dry-run --build "$build" --budget 240 > run.log 2>&1 ||
  { cat run.log; fail "gpu-check.sh --dry-run failed"; }
table=$work/out-dir/gpu-check.md
[ -s "$table" ] || fail "no table in $table"
grep -q '^# gpu-check: dry run on the CPU' "$table" || fail "the table does not say it is a dry run"
grep -q '^| build | ok | .*; 0 not found |$' "$table" || fail "the build row: $(grep '| build' "$table")"
grep -q '^| tests/e2e_gpu.sh (label gpu) | skipped | SKIP: no CUDA device' "$table" ||
  fail "the gpu label's test: $(grep 'e2e_gpu' "$table")"
grep -q '^| pretraining, shared by the runs | ok | backbone .* pretrained on ' "$table" ||
  fail "pretraining: $(grep pretraining "$table")"
for row in "per-device 1, fp32" "per-device 2, fp32" "per-device 2, auto"; do
  grep -q "^| study, $row | ok | 6/6 trials done in [0-9]* s (cap [0-9]* s); peak [0-9]* MiB per trial; mean test [0-9.]*%" "$table" ||
    { cat "$table"; fail "study row \"$row\""; }
done
for depth in head-only "2 blocks" "[0-9]* (all) blocks"; do
  grep -q "^| sweep | cpu | $depth | fp32 | [0-9]* | [0-9]* |$" "$table" ||
    { cat "$table"; fail "no fp32 throughput row for $depth"; }
  grep -q "^| sweep | cpu | $depth | fp16 | not run: " "$table" ||
    { cat "$table"; fail "fp16 on the CPU is not marked as not run for $depth"; }
done
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  grep -q '^| fusion of learning-rate variants, fp32 | ok | table below |$' "$table" ||
    { cat "$table"; fail "no fusion row"; }
  for stage in "16 ch, 28x28" "32 ch, 14x14" "64 ch, 7x7" "128 ch, 4x4"; do
    grep -q "^| $stage | [0-9.]* | [0-9.]* | [0-9.]* |$" "$table" ||
      { cat "$table"; fail "no fusion timing for $stage"; }
  done
fi
[ "$(ls "$work/out-dir")" = "$(printf 'gpu-check-logs.tar.gz\ngpu-check.md')" ] ||
  fail "OUT holds more than the table and the logs' archive (a device returns 8 files): $(ls "$work/out-dir")"
mkdir logs && tar -xzf "$work/out-dir/gpu-check-logs.tar.gz" -C logs
for log in build e2e-gpu pretrain study-per1 study-per2 study-auto throughput-sweep; do
  [ -s "logs/$log.log" ] || fail "no $log.log in the logs' archive"
done
[ -s logs/machine.txt ] || fail "no machine.txt in the logs' archive"

# Out of time before the build: the table still says what happened.
OUT=$work/short "$repo/scripts/gpu-check.sh" --dry-run --build "$build" --budget 5 > short.log 2>&1 &&
  fail "gpu-check.sh succeeded without building"
grep -q '^| build | skipped (time) |' "$work/short/gpu-check.md" ||
  { cat short.log; fail "no table, or no skipped build row, when the time ran out"; }
echo "gpu-check dry run: $(grep -c '^| ' "$table") table rows"
