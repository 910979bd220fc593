#!/usr/bin/env bash
# The study at real size: a torchvision resnet18 at 224 px on a folder of 1,000
# photos, sweep against the lean PyTorch loop (bench/compare.py, which also
# samples each side's peak memory). Makes what it needs in WORK once: the photos
# (bench/make_photos.py), the model (scripts/export_torchvision.py, random
# weights: nothing can be downloaded) and the sweep file (bench/real_size.json).
# Usage: bench/real_size.sh WORK [compare.py options, e.g. --runs 2 or --quick]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mkdir -p "$1" && cd "$1" && pwd)
shift
[ -d "$work/photos" ] || /usr/bin/python3 "$here/make_photos.py" "$work/photos"
[ -f "$work/models/resnet18.pt" ] ||
  /usr/bin/python3 "$here/../scripts/export_torchvision.py" resnet18 --random \
    --out "$work/models/resnet18.pt"
mkdir -p "$work/sweeps"
cp "$here/real_size.json" "$work/sweeps/"
exec /usr/bin/python3 "$here/compare.py" --sweep "$work/sweeps/real_size.json" \
  --work "$work/compare" --no-reference --scheduler-reps 0 "$@"
