#!/usr/bin/env bash
# The study at real size: a torchvision resnet18 at 224 px on a folder of 1,000
# photos, sweep against the lean PyTorch loop (bench/compare.py, which also
# samples each side's peak memory). Makes what it needs in WORK once: the photos
# (bench/make_photos.py), the model (scripts/export_torchvision.py, random
# weights: nothing can be downloaded) and the sweep file (bench/real_size.json;
# with --augment bench/real_size_augment.json: crop-flip, sweep with 3 cached
# views per image against the loop augmenting every step).
# Usage: bench/real_size.sh WORK [--augment] [compare.py options, e.g. --runs 2]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mkdir -p "$1" && cd "$1" && pwd)
shift
study=real_size.json
if [ "${1:-}" = --augment ]; then
  study=real_size_augment.json
  shift
fi
[ -d "$work/photos" ] || /usr/bin/python3 "$here/make_photos.py" "$work/photos"
[ -f "$work/models/resnet18.pt" ] ||
  /usr/bin/python3 "$here/../scripts/export_torchvision.py" resnet18 --random \
    --out "$work/models/resnet18.pt"
mkdir -p "$work/sweeps"
cp "$here/$study" "$work/sweeps/"
exec /usr/bin/python3 "$here/compare.py" --sweep "$work/sweeps/$study" \
  --work "$work/compare" --no-reference --scheduler-reps 0 "$@"
