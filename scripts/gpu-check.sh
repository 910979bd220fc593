#!/usr/bin/env bash
# The GPU checks as one command, for the first device machine lent (bare: CUDA,
# CMake, a compiler and a Python torch 2.x, nothing else, no network). Unpacks the
# carry kit (scripts/device-kit.sh) into .kit, configures against the Python
# torch's LibTorch, builds what the checks need and runs, each step bounded by
# the time left so the whole fits one 10-minute command:
#   1. tests/e2e_gpu.sh (the `gpu` label's test) on the kit's datasets;
#   2. the default study on the GPU with --per-device 1, 2 and 4 (fp32), then
#      with "precision": "auto" (bf16 on Ampere and later), each for the same
#      capped time after one shared pretraining, GPU utilisation sampled by
#      nvidia-smi meanwhile, peak GPU memory per trial from the results;
#   3. training images per second for head-only, 2 blocks and all blocks, fp32
#      against bf16 and fp16 autocast, sweep's loop (bench/throughput) against a
#      lean PyTorch loop (bench/throughput.py) on the same GPU;
#   4. two learning-rate variants fused into grouped convolutions against two
#      models (bench/fusion.py) in fp32, bf16 and fp16.
# Writes OUT/gpu-check.md (one table) and OUT/gpu-check-logs.tar.gz (every log,
# the machine's versions first), both again after every row, since the device
# returns at most 8 files and a command cut short returns only what is there;
# prints the table. OUT is $OUT where the device tool sets it, else
# ./gpu-check-out. On the device: carry .kit/sweep-kit.tar.xz (not .kit, whose
# unpacked tree is over the transfer limit) and give the command 600 s.
#
# Without a GPU it is a dry run: the same steps on the CPU in a small
# configuration (the smoke study, cpu:N workers, fewer images), so everything but
# the device itself is tested here and in CI.
#
# Usage: scripts/gpu-check.sh [--dry-run] [--build DIR] [--unit-tests] [--budget SECONDS]
#   --build DIR    build there (default build-gpu); a DIR already configured by
#                  scripts/build.sh is used as it is, with this machine's packages
#   --unit-tests   also build everything and run the unit and torch tests
#   --budget S     seconds for the whole run (default 540); steps are bounded by
#                  what is left, and skipped, saying so, when too little is
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
[[ $build = /* ]] || build=$repo/$build
out=${OUT:-$repo/gpu-check-out}
mkdir -p "$out"
work=$(mktemp -d)
logs=$work/logs
mkdir -p "$logs"
start=$SECONDS
jobs_n=$(nproc)
table=$out/gpu-check.md
torch_prefix=${TORCH_PREFIX:-}
skipped=200  # what step returns for a step it did not start

declare -a rows=()
write_table() {
  echo "# gpu-check: $($dry && echo "dry run on the CPU" || nvidia-smi -L 2>/dev/null | head -1)"
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
  grep -h '^| ' "$logs/throughput-sweep.log" "$logs/throughput-pytorch.log" 2>/dev/null || true
  local fusion
  for fusion in "$logs"/fusion-*.log; do
    [ -e "$fusion" ] || continue
    echo
    echo "Two learning-rate variants fused into grouped convolutions against two models (bench/fusion.py; below 1: fusion saves time): $(head -1 "$fusion")"
    echo
    grep '^| ' "$fusion" || true
  done
}
publish() {
  write_table > "$table.part"
  mv "$table.part" "$table"
  tar -czf "$out/logs.part" -C "$logs" . && mv "$out/logs.part" "$out/gpu-check-logs.tar.gz"
}
row() {  # row CHECK STATUS RESULT
  rows+=("| $1 | $2 | $3 |")
  publish
}
trap 'publish; kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

left() { echo $((budget - (SECONDS - start))); }
# bounded COMMAND...: an external command stopped when the budget runs out.
bounded() {
  local l
  l=$(left)
  timeout -k 10 "$((l > 5 ? l - 5 : 1))" "$@"
}
# step NAME SECONDS_NEEDED COMMAND...: runs COMMAND into LOGS/NAME.log unless
# fewer than SECONDS_NEEDED are left (then returns $skipped).
step() {
  local name=$1 need=$2
  shift 2
  if [ "$(left)" -lt "$need" ]; then
    echo "gpu-check.sh: $name skipped: $(left) s left, it needs about $need"
    echo "skipped: $(left) s left" > "$logs/$name.log"
    return $skipped
  fi
  local t0=$SECONDS rc
  echo "gpu-check.sh: $name ..."
  "$@" > "$logs/$name.log" 2>&1
  rc=$?
  echo "gpu-check.sh: $name: exit $rc in $((SECONDS - t0)) s"
  return $rc
}
outcome() {  # outcome RC: the status column
  case $1 in
    0) echo "ok" ;;
    "$skipped") echo "skipped (time)" ;;
    124) echo "stopped at its time cap" ;;
    *) echo "exit $1" ;;
  esac
}

{
  uname -a
  echo "cores: $(nproc)"
  nvidia-smi -L
  nvcc --version | tail -2
  cmake --version | head -1
  c++ --version | head -1
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
} > "$logs/machine.txt" 2>&1

have_smi=false
nvidia-smi -L > /dev/null 2>&1 && have_smi=true
if ! $dry && ! $have_smi &&
   ! python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "gpu-check.sh: neither nvidia-smi nor torch sees a GPU here; running the dry run on the CPU"
  dry=true
fi

# The kit, unpacked inside the checkout (never into /). A build with it finds
# the kit's libraries through the executables' RPATH, which also serves the
# libraries OpenCV loads; no LD_LIBRARY_PATH, so python3 keeps its own.
kit=$repo/.kit
kit_lib=$kit/root/usr/lib/x86_64-linux-gnu
use_kit=false
if [ -f "$build/CMakeCache.txt" ] && [ ! -f "$build/.gpu-check" ]; then
  echo "gpu-check.sh: using $build as it is configured, with this machine's packages"
else
  if [ -f "$kit/sweep-kit.tar.xz" ] && { [ ! -d "$kit/root" ] || [ "$kit/sweep-kit.tar.xz" -nt "$kit/root" ]; }; then
    rm -rf "$kit/root" "$kit/unpacking"
    mkdir -p "$kit/unpacking"
    # Python's tarfile where there is no xz (minimal images).
    if command -v xz > /dev/null; then
      tar -C "$kit/unpacking" -xJf "$kit/sweep-kit.tar.xz"
    else
      python3 -m tarfile -e "$kit/sweep-kit.tar.xz" "$kit/unpacking"
    fi && mv "$kit/unpacking/root" "$kit/root"
    rm -rf "$kit/unpacking"
  fi
  [ -d "$kit/root" ] || { echo "gpu-check.sh: no kit in $kit: run scripts/device-kit.sh first" >&2; exit 2; }
  use_kit=true
  export SWEEP_VEGA_DIR=$kit/root/node_modules
fi

# LibTorch: TORCH_PREFIX, else the Python torch's on a GPU run, else the
# system's (Debian's, found by CMake itself).
if [ -z "$torch_prefix" ] && ! $dry; then
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2> "$logs/torch.txt")
  [ -n "$torch_prefix" ] || { row "LibTorch" "failed" "python3 cannot import torch: $(tail -1 "$logs/torch.txt")"; exit 1; }
fi

configure_and_build() {
  if $use_kit; then
    mkdir -p "$build" && touch "$build/.gpu-check"  # ours even if configuring fails
    local cuda=() nvcc
    nvcc=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null)
    if ! $dry && [ -n "$nvcc" ]; then
      cuda=(-DCMAKE_CUDA_COMPILER="$nvcc" -DCMAKE_CUDA_ARCHITECTURES=90)
    fi
    bounded cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="${torch_prefix:+$torch_prefix;}$kit/root/usr" \
      -DCMAKE_EXE_LINKER_FLAGS="-Wl,--disable-new-dtags -Wl,-rpath,$kit_lib -Wl,-rpath-link,$kit_lib" \
      "${cuda[@]}" || return
  fi
  local targets=(--target sweep throughput) keep_going=()
  ! $unit_tests || targets=()
  [ ! -f "$build/build.ninja" ] || keep_going=(-- -k 0)  # every error in one try
  bounded cmake --build "$build" -j "$jobs_n" "${targets[@]}" "${keep_going[@]}"
}
step build 60 configure_and_build
rc=$?
if [ $rc -ne 0 ]; then
  row "build" "$(outcome $rc)" "$(grep -c 'error:' "$logs/build.log") compiler error(s); see build.log"
  tail -30 "$logs/build.log"
  exit 1
fi
sweep=$build/runner/sweep
bench=$build/bench/throughput
ldd "$sweep" > "$logs/ldd.txt" 2>&1
missing=$(grep -c "not found" "$logs/ldd.txt")
from_kit=""
! $use_kit || from_kit="; sweep loads $(grep -c "=> $kit/" "$logs/ldd.txt") libraries from the kit"
row "build" "ok" "$((SECONDS - start)) s so far$from_kit; $missing not found"
[ "$missing" -eq 0 ] || { grep "not found" "$logs/ldd.txt" >&2; exit 1; }

if $unit_tests; then
  step unit-tests 120 bounded ctest --test-dir "$build" -L "unit|torch" -j "$jobs_n" --output-on-failure
  rc=$?
  row "unit and torch tests" "$(outcome $rc)" "$(grep -E 'tests passed|tests failed' "$logs/unit-tests.log" | tail -1)"
fi

# The sweep files, pointed at the kit's datasets where the kit is used.
write_study() {  # write_study SOURCE PRECISION FILE [pretrain-only]
  python3 - "$repo/$1" "$2" "$3" "$($use_kit && echo "$kit/root/data")" "${4:-}" <<'EOF'
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

mkdir -p "$work/sweeps"
write_study sweeps/smoke.json fp32 "$work/sweeps/smoke.json"
step e2e-gpu 30 bounded tests/e2e_gpu.sh "$sweep" "$work/sweeps"
rc=$?
case $rc in
  77) row "tests/e2e_gpu.sh (label gpu)" "skipped" "$(grep '^SKIP' "$logs/e2e-gpu.log")" ;;
  *) row "tests/e2e_gpu.sh (label gpu)" "$(outcome $rc)" "$(tail -1 "$logs/e2e-gpu.log")" ;;
esac

if $dry; then
  study=sweeps/smoke.json pers=(1 2) cap=60 reserve=20 devices=cpu
else
  study=sweeps/cats_vs_buildings.json pers=(1 2 4) cap=110 reserve=90 devices=cuda:0
fi
pretrain() {
  write_study "$study" fp32 "$work/pretrain.json" pretrain-only &&
    bounded "$sweep" run "$work/pretrain.json" --db "$work/pretrain.db" --cache "$work/cache" --devices "$devices"
}
step pretrain 20 pretrain
rc=$?
row "pretraining, shared by the runs" "$(outcome $rc)" "$(grep -m1 'pretrained on' "$logs/pretrain.log")"

# study_run NAME PER_DEVICE PRECISION CAP: a fresh database and no frozen features
# from the run before (the pretrained weights are shared), stopped as Ctrl-C
# would stop it after CAP seconds.
study_run() {
  local name=$1 per=$2 precision=$3 cap=$4 where sampler=""
  write_study "$study" "$precision" "$work/$name.json" || return
  rm -rf "$work/cache/features"
  if $dry; then where=(--devices "cpu:$per"); else where=(--devices cuda:0 --per-device "$per"); fi
  if $have_smi && ! $dry; then
    nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits -lms 500 \
      > "$logs/$name-gpu-busy.csv" 2>/dev/null &
    sampler=$!
  fi
  local t0=$SECONDS rc
  timeout -s INT -k 20 "$cap" "$sweep" run "$work/$name.json" --db "$work/$name.db" \
    --cache "$work/cache" "${where[@]}"
  rc=$?
  echo "wall seconds: $((SECONDS - t0))"
  if [ -n "$sampler" ]; then
    kill "$sampler"
    wait "$sampler" 2>/dev/null
  fi
  return $rc
}
study_row() {  # study_row NAME PER_DEVICE PRECISION CAP RC
  local name=$1 per=$2 precision=$3 cap=$4 rc=$5
  local wall summary util="" trials done peak accuracy precisions
  if [ "$rc" -eq $skipped ]; then
    row "study, per-device $per, $precision" "$(outcome $rc)" ""
    return
  fi
  wall=$(sed -n 's/^wall seconds: //p' "$logs/$name.log")
  summary=$("$sweep" query --db "$work/$name.db" --format csv \
    "SELECT COUNT(*), SUM(state = 'done'), CAST(MAX(peak_memory_bytes) / 1048576 AS INTEGER),
            ROUND(100 * AVG(test_accuracy), 1), REPLACE(GROUP_CONCAT(DISTINCT precision), ',', '+')
     FROM results" 2>/dev/null | tail -1 | tr -d '\r')
  IFS=, read -r trials done peak accuracy precisions <<< "$summary"
  if [ -s "$logs/$name-gpu-busy.csv" ]; then
    util=$(awk '{u += $1; if ($1 > m) m = $1; n++} END {if (n) printf "GPU busy %.0f%% mean, %d%% max", u / n, m}' "$logs/$name-gpu-busy.csv")
  fi
  row "study, per-device $per, $precision" "$(outcome "$rc")" \
    "${done:-0}/${trials:-0} trials done in ${wall:-?} s (cap $cap s); peak ${peak:-?} MiB per trial; mean test ${accuracy:-?}% (${precisions:-?})${util:+; $util}"
}
# The runs share what is left but the throughput rows' reserve, equally, so
# their trial counts compare.
each=$((($(left) - reserve) / (${#pers[@]} + 1)))
[ "$each" -lt "$cap" ] || each=$cap
if [ "$each" -lt 20 ]; then
  row "studies" "skipped (time)" "$each s per run would be left"
else
  for per in "${pers[@]}"; do
    step "study-per$per" "$each" study_run "study-per$per" "$per" fp32 "$each"
    study_row "study-per$per" "$per" fp32 "$each" $?
  done
  step study-auto "$each" study_run study-auto 2 auto "$each"
  study_row study-auto 2 auto "$each" $?
fi

# Images per second, both sides on the same device.
if $dry; then
  device=cpu
  sizes=(--images 256 --epochs 1 --threads "$jobs_n")
else
  device=cuda:0
  sizes=(--images 16384 --epochs 3)
fi
step throughput-sweep 30 bounded "$bench" --device "$device" "${sizes[@]}"
row "throughput, sweep's loop" "$(outcome $?)" "rows below"
python=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import torch' 2>/dev/null; then python=$p; break; fi
done
if [ -n "$python" ]; then
  step throughput-pytorch 30 bounded "$python" bench/throughput.py --device "$device" "${sizes[@]}"
  row "throughput, lean PyTorch loop" "$(outcome $?)" "rows below ($python)"
  # Whether fusing learning-rate variants (HFTA) pays on this device: not on
  # the CPUs measured so far (bench/RESULTS.md).
  if $dry; then fusion=(fp32) reps=3; else fusion=(fp32 bf16 fp16) reps=30; fi
  for precision in "${fusion[@]}"; do
    step "fusion-$precision" 10 bounded "$python" bench/fusion.py --device "$device" \
      --threads "$jobs_n" --precision "$precision" --reps "$reps"
    row "fusion of learning-rate variants, $precision" "$(outcome $?)" "table below"
  done
else
  row "throughput, lean PyTorch loop" "not run" "no python3 here has torch"
fi
cat "$table"
