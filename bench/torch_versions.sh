#!/usr/bin/env bash
# LibTorch 1.13 (this machine's build/) against 2.6 (the build a Debian 13 root made of the same
# checkout: tests/trixie_root.sh leaves it in ROOT/src/sweep/build): training images per second of
# sweep's loop (bench/throughput) on one thread, as the default study's trials run, in
# interleaved rounds; then which oneDNN kernels each runs (DNNL_VERBOSE / ONEDNN_VERBOSE).
# The default study on both versions, fp32 and bf16, with its verdicts: bench/precision.py --root.
# Needs root (chroot).
# Usage: bench/torch_versions.sh [ROOT]   (default ROOT /var/tmp/sweep-trixieroot.run)
set -u
cd "$(dirname "$0")/.."
root=${1:-/var/tmp/sweep-trixieroot.run}
[ -x "$root/src/sweep/build/bench/throughput" ] || { echo "torch_versions.sh: no 2.6 build in $root; run tests/trixie_root.sh first" >&2; exit 1; }
if ! mountpoint -q "$root/proc"; then
  mount -t proc proc "$root/proc"
  trap 'umount "$root/proc"' EXIT
fi
# in_root COMMAND...: COMMAND in the Debian 13 root, with a clean environment.
in_root() { chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root "$@"; }
args="--threads 1 --depths 0,2,all --precisions fp32,bf16 --images 2048 --epochs 2"
host() { build/bench/throughput $args; }
trixie() { in_root /src/sweep/build/bench/throughput $args; }
for r in 1 2 3; do
  echo "== round $r: 1.13"; host
  echo "== round $r: 2.6"; trixie
done
# oneDNN's primitives, counted by kind and implementation, over one epoch of a full fine-tune.
kernels() { grep -o "exec,cpu,[a-z_]*,[^,]*" | sort | uniq -c | sort -rn | head -12; }
one=(--threads 1 --depths all --images 256 --epochs 1 --precisions)
for p in fp32 bf16; do
  echo "== kernels 1.13 $p"; DNNL_VERBOSE=1 build/bench/throughput "${one[@]}" $p 2>&1 | kernels
  echo "== kernels 2.6 $p"
  in_root env ONEDNN_VERBOSE=1 /src/sweep/build/bench/throughput "${one[@]}" $p 2>&1 | kernels
done
