#!/usr/bin/env bash
# Test fixture: exports resnet18 and mobilenet_v3_small with random weights
# (nothing is downloaded) at 32x32 into OUT, and writes the bad model files the
# loader tests expect. Skips (exit 77) where Debian's python3-torchvision is
# missing.
# Usage: make_test_models.sh SOURCE_DIR OUT
set -euo pipefail
source=$1
out=$2
python=/usr/bin/python3  # Debian's, which has python3-torchvision
if ! "$python" -c "import torchvision" 2>/dev/null; then
  echo "SKIP: $python cannot import torchvision (apt-get install python3-torchvision)"
  exit 77
fi
mkdir -p "$out"
"$python" "$source/scripts/export_torchvision.py" resnet18 --random --image-size 32 --out "$out/resnet18.pt"
"$python" "$source/scripts/export_torchvision.py" mobilenet_v3_small --random --image-size 32 --out "$out/mobilenet_v3_small.pt"
"$python" "$source/tests/make_bad_models.py" "$out"
echo "test models in $out"
