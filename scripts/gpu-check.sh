#!/usr/bin/env bash
# The GPU checks as one command, for the first device machine lent (bare: CUDA,
# CMake, a compiler and a Python torch 2.x, nothing else, no network). Unpacks the
# carry kit (scripts/device-kit.sh) into .kit, configures against the Python
# torch's LibTorch, builds what the checks need and runs, each step under a
# deadline so the whole fits one 10-minute command:
#   1. the `gpu` CTest label;
#   2. the default study on the GPU with --per-device 1, 2 and 4 (fp32), then
#      with "precision": "auto" (bf16 on Ampere and later), GPU utilisation
#      sampled by nvidia-smi meanwhile, peak GPU memory per trial from the results;
#   3. training images per second for head-only, 2 blocks and all blocks, fp32
#      against bf16 and fp16 autocast, sweep's loop (bench/throughput) against a
#      lean PyTorch loop (bench/throughput.py) on the same GPU.
# Writes OUT/gpu-check.md (one table) and each step's log under OUT, and prints
# the table. OUT is $OUT where the device tool sets it, else ./gpu-check-out.
#
# Without a GPU it is a dry run: the same steps on the CPU in a small
# configuration (the smoke study, cpu:N workers, fewer images), so everything but
# the device itself is tested here and in CI.
#
# Usage: scripts/gpu-check.sh [--dry-run] [--build DIR] [--unit-tests] [--budget SECONDS]
#   --build DIR    build there (default build-gpu); a DIR already built by
#                  scripts/build.sh is used as it is, with this machine's packages
#   --unit-tests   also build everything and run the unit and torch tests
#   --budget S     seconds for the whole run (default 540); later steps are
#                  skipped, and say so, when too little is left
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
dry=false
build=build-gpu
unit_tests=false
budget=540
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=true ;;
    --build) build=$2; shift ;;
    --unit-tests) unit_tests=true ;;
    --budget) budget=$2; shift ;;
    *) echo "gpu-check.sh: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done
out=${OUT:-$repo/gpu-check-out}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
start=$SECONDS
jobs_n=$(nproc)
table=$out/gpu-check.md

if ! $dry && ! nvidia-smi -L > "$out/nvidia-smi.txt" 2>&1; then
  echo "gpu-check.sh: no GPU answers nvidia-smi here; running the dry run on the CPU"
  dry=true
fi

left() { echo $((budget - (SECONDS - start))); }
# step NAME SECONDS_NEEDED COMMAND...: runs COMMAND into OUT/NAME.log unless less
# than SECONDS_NEEDED are left; returns its status (124 when skipped).
step() {
  local name=$1 need=$2
  shift 2
  if [ "$(left)" -lt "$need" ]; then
    echo "gpu-check.sh: $name skipped: $(left) s left, it needs about $need"
    echo "skipped: $(left) s left" > "$out/$name.log"
    return 124
  fi
  local t0=$SECONDS
  echo "gpu-check.sh: $name ..."
  "$@" > "$out/$name.log" 2>&1
  local rc=$?
  echo "gpu-check.sh: $name: exit $rc in $((SECONDS - t0)) s"
  return $rc
}

# The kit, unpacked inside the checkout (never into /): a build with it needs
# its libraries at link time (-rpath-link) and at run time (LD_LIBRARY_PATH).
kit=$repo/.kit
arch=x86_64-linux-gnu
use_kit=false
if [ -f "$build/CMakeCache.txt" ] && [ ! -f "$build/.gpu-check" ]; then
  echo "gpu-check.sh: using $build as it is built, with this machine's packages"
else
  if [ -f "$kit/sweep-kit.tar.xz" ] && { [ ! -d "$kit/root" ] || [ "$kit/sweep-kit.tar.xz" -nt "$kit/root" ]; }; then
    rm -rf "$kit/root"
    # Python's tarfile where there is no xz (minimal images).
    if command -v xz > /dev/null; then
      tar -C "$kit" -xJf "$kit/sweep-kit.tar.xz"
    else
      python3 -m tarfile -e "$kit/sweep-kit.tar.xz" "$kit"
    fi && touch "$kit/root"
  fi
  [ -d "$kit/root" ] || { echo "gpu-check.sh: no kit in $kit: run scripts/device-kit.sh first" >&2; exit 2; }
  use_kit=true
  export LD_LIBRARY_PATH=$kit/root/usr/lib/$arch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export SWEEP_VEGA_DIR=$kit/root/node_modules
fi

# LibTorch: TORCH_PREFIX, else the Python torch's when python3 has one, else the
# system's (Debian's, found by CMake itself).
torch_prefix=${TORCH_PREFIX:-}
if [ -z "$torch_prefix" ] && ! $dry; then
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)
fi

configure_and_build() {
  if $use_kit; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="${torch_prefix:+$torch_prefix;}$kit/root/usr" \
      -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$kit/root/usr/lib/$arch" \
      -DTORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}" || return
    touch "$build/.gpu-check"
  fi
  if $unit_tests; then
    cmake --build "$build" -j "$jobs_n"
  else
    cmake --build "$build" -j "$jobs_n" --target sweep throughput
  fi
}
step build 60 configure_and_build || {
  tail -30 "$out/build.log"
  echo "gpu-check.sh: the build failed; its log is $out/build.log" >&2
  exit 1
}
sweep=$repo/$build/runner/sweep
[[ $build = /* ]] && sweep=$build/runner/sweep
bench=$(dirname "$(dirname "$sweep")")/bench/throughput
ldd "$sweep" > "$out/ldd.txt" 2>&1
if $use_kit && grep -q "not found" "$out/ldd.txt"; then
  echo "gpu-check.sh: libraries missing at run time:" >&2
  grep "not found" "$out/ldd.txt" >&2
  exit 1
fi

declare -a rows=()
row() { rows+=("| $1 | $2 | $3 |"); }  # row CHECK STATUS RESULT

if $unit_tests; then
  step unit-tests 120 ctest --test-dir "$build" -L "unit|torch" -j "$jobs_n" --output-on-failure
  rc=$?
  row "unit and torch tests" "exit $rc" "$(grep -E 'tests passed|tests failed' "$out/unit-tests.log" | tail -1)"
fi

step gpu-label 30 ctest --test-dir "$build" -L gpu --output-on-failure
rc=$?
row "ctest -L gpu" "exit $rc" "$(sed -n 's/.*Test *#[0-9]*: \([^ ]*\) [.*]*\([A-Za-z]*\) *\([0-9.]*\) sec.*/\1: \2 in \3 s/p' "$out/gpu-label.log" | paste -sd ';')"

# The study, pointed at the kit's datasets where the kit is used.
if $dry; then study=sweeps/smoke.json; else study=sweeps/cats_vs_buildings.json; fi
write_study() {  # write_study PRECISION FILE [pretrain-only]
  python3 - "$repo/$study" "$1" "$2" "$($use_kit && echo "$kit/root/data")" "${3:-}" <<'EOF'
import json, sys
src, precision, dst, data, pretrain_only = sys.argv[1:6]
spec = json.load(open(src))
paths = {"fashion-mnist": data + "/fashion-mnist", "opencv-digits": data + "/digits.png"}
for item in [b["pretrain"] for b in spec["backbones"] if "pretrain" in b] + spec["targets"]:
    if data and item.get("dataset") in paths and "path" not in item:
        item["path"] = paths[item["dataset"]]
spec.setdefault("training", {})["precision"] = precision
if pretrain_only:  # the same backbones, one short trial: pretrains them into the cache
    spec["targets"] = spec["targets"][:1]
    spec["grid"] = {"unfrozen": [0], "lr": [0.01], "seeds": [0]}
    spec.pop("halving", None)
json.dump(spec, open(dst, "w"), indent=1)
EOF
}
pretrain() {  # pretrain DEVICES
  write_study fp32 "$work/pretrain.json" pretrain-only &&
    "$sweep" run "$work/pretrain.json" --db "$work/pretrain.db" --cache "$work/cache" --devices "$1"
}
# study_run NAME PER_DEVICE PRECISION CAP: a fresh database and no frozen features
# from the run before (the pretrained weights are shared), stopped as Ctrl-C
# would stop it after CAP seconds.
study_run() {
  local name=$1 per=$2 precision=$3 cap=$4 devices
  write_study "$precision" "$work/$name.json" || return
  rm -rf "$work/cache/features"
  if $dry; then devices=(--devices "cpu:$per"); else devices=(--devices cuda:0 --per-device "$per"); fi
  local sampler=""
  if ! $dry; then
    nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -lms 500 \
      > "$out/$name-smi.csv" 2>/dev/null &
    sampler=$!
  fi
  local t0=$SECONDS
  timeout -s INT -k 20 "$cap" "$sweep" run "$work/$name.json" --db "$work/$name.db" \
    --cache "$work/cache" "${devices[@]}"
  local rc=$?
  echo "wall seconds: $((SECONDS - t0))"
  [ -z "$sampler" ] || kill "$sampler"
  return $rc
}
study_row() {  # study_row NAME PER_DEVICE PRECISION RC
  local name=$1 per=$2 precision=$3 rc=$4
  local wall util="" summary stopped=""
  wall=$(sed -n 's/^wall seconds: //p' "$out/$name.log")
  [ "$rc" -ne 124 ] || stopped=" (stopped at its time cap)"
  summary=$("$sweep" query --db "$work/$name.db" --format csv \
    "SELECT COUNT(*), SUM(state = 'done'), CAST(MAX(peak_memory_bytes) / 1048576 AS INTEGER),
            ROUND(100 * AVG(test_accuracy), 1), REPLACE(GROUP_CONCAT(DISTINCT precision), ',', '+')
     FROM results" 2>/dev/null | tail -1 | tr -d '\r')
  IFS=, read -r trials done peak accuracy precisions <<< "$summary"
  if [ -s "$out/$name-smi.csv" ]; then
    util=$(awk -F', *' '{u += $1; if ($1 > m) m = $1; n++} END {if (n) printf "GPU busy %.0f%% mean, %d%% max", u / n, m}' "$out/$name-smi.csv")
  fi
  row "study, per-device $per, $precision" "exit $rc" \
    "${done:-0}/${trials:-0} trials done in ${wall:-?} s$stopped; peak ${peak:-?} MiB per trial; mean test ${accuracy:-?}% (${precisions:-?})${util:+; $util}"
}
# Pretraining once, shared by the runs; each run then gets at most `cap` seconds
# and leaves `reserve` for the throughput rows.
if $dry; then
  pers=(1 2) cap=60 reserve=20 devices=cpu
else
  pers=(1 2 4) cap=110 reserve=90 devices=cuda:0
fi
step pretrain 20 pretrain "$devices"
row "pretraining, shared by the runs" "exit $?" "$(grep -m1 -i 'pretrained\|pretraining' "$out/pretrain.log")"
capped() { local l=$(($(left) - reserve)); echo $((l < cap ? l : cap)); }
for per in "${pers[@]}"; do
  step "study-per$per" 20 study_run "study-per$per" "$per" fp32 "$(capped)"
  study_row "study-per$per" "$per" fp32 $?
done
step study-auto 20 study_run study-auto 2 auto "$(capped)"
study_row study-auto 2 auto $?

# Images per second, both sides on the same device.
if $dry; then
  device=cpu
  sizes=(--images 256 --epochs 1 --threads "$jobs_n")
else
  device=cuda:0
  sizes=(--images 16384 --epochs 3)
fi
step throughput-sweep 40 "$bench" --device "$device" "${sizes[@]}"
rc_sweep=$?
python=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import torch' 2>/dev/null; then python=$p; break; fi
done
if [ -n "$python" ]; then
  step throughput-pytorch 40 "$python" bench/throughput.py --device "$device" "${sizes[@]}"
else
  echo "not run: no python3 here has torch" > "$out/throughput-pytorch.log"
fi

{
  echo "# gpu-check: $($dry && echo "dry run on the CPU" || head -1 "$out/nvidia-smi.txt")"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(uname -n), $(nproc) cores, LibTorch ${torch_prefix:-of the system}; $((SECONDS - start)) s"
  echo
  echo "| check | status | result |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Training images per second (synthetic images of the study's shape; the frozen prefix runs every step on both sides; peak: GPU memory allocated, or the process's resident set on the CPU):"
  echo
  echo "| loop | device | trained | precision | images/s | peak MiB |"
  echo "| --- | --- | --- | --- | --- | --- |"
  grep -h '^| ' "$out/throughput-sweep.log" "$out/throughput-pytorch.log" 2>/dev/null
  grep -h -v '^| ' "$out/throughput-pytorch.log" 2>/dev/null | sed 's/^/PyTorch side: /' | tail -2
  [ "${rc_sweep:-0}" -eq 0 ] || echo "sweep side: exit $rc_sweep, see throughput-sweep.log"
} > "$table"
cat "$table"
