#!/usr/bin/env bash
# scripts/export_torchvision.py as users meet it: checkpoints with their own
# classifier (5 classes), wrapped and DataParallel-prefixed, export and give the
# model's own features; a file that is not a checkpoint, a missing file and the
# weights of another architecture end in one line naming the file, never a
# traceback; --mean/--std reach the metadata.
# Exits 77 (CTest's skip) where Debian's python3-torchvision is missing.
# Usage: e2e_exporter.sh REPOSITORY
set -euo pipefail
repo=$1
python=/usr/bin/python3
"$python" -c "import torchvision" 2>/dev/null ||
  { echo "SKIP: $python cannot import torchvision (apt-get install python3-torchvision)"; exit 77; }
source "$(dirname "$0")/e2e_lib.sh"
export_model() { "$python" "$repo/scripts/export_torchvision.py" "$@"; }

"$python" - <<'PY'
import torch, torchvision
torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=5)  # an in-house 5-class checkpoint
torch.save(model.state_dict(), "five.pth")
torch.save({"epoch": 3, "state_dict": {"module." + k: v for k, v in model.state_dict().items()}},
           "wrapped.pth")
torch.save(torchvision.models.mobilenet_v3_small().state_dict(), "mobilenet.pth")
model.fc = torch.nn.Identity()
model.eval()
with torch.no_grad():
    torch.save(model(torch.linspace(-1, 1, 2 * 3 * 64 * 64).view(2, 3, 64, 64)), "expected.pt")
PY
printf 'a shopping list, not a checkpoint\n' > notes.pth

for weights in five wrapped; do
  expect_exit 0 export_model resnet18 --weights "$weights.pth" --image-size 64 --out "$weights.pt"
  "$python" - "$weights.pt" <<'PY'
import sys, torch
backbone = torch.jit.load(sys.argv[1])
with torch.no_grad():
    got = backbone(torch.linspace(-1, 1, 2 * 3 * 64 * 64).view(2, 3, 64, 64))
assert torch.allclose(got, torch.load("expected.pt"), atol=1e-5), "features differ from the model's"
PY
done
expect_output "inputs normalised with ImageNet's mean and std"

check_refusal() {  # FILE, then the line expected
  expect_exit 2 export_model resnet18 --weights "$1" --out refused.pt
  expect_output "$2"
  grep -q Traceback "$work/out" && fail "a traceback for $1: $(cat "$work/out")"
  [ "$(wc -l < "$work/out")" -le 2 ] || fail "more than a line for $1: $(cat "$work/out")"
  [ ! -e refused.pt ] || fail "a model was written for $1"
}
check_refusal notes.pth "notes.pth: not a PyTorch checkpoint (torch.load: "
check_refusal nothing.pth "nothing.pth: no such file"
check_refusal mobilenet.pth "mobilenet.pth: not resnet18 weights: "

expect_exit 0 export_model mobilenet_v3_small --random --image-size 32 --mean 0.5 0.5 0.5 \
  --std 0.25 0.25 0.25 --out grey.pt
expect_output "inputs normalised with mean [0.5, 0.5, 0.5], std [0.25, 0.25, 0.25]"
"$python" -c 'import json; m = json.load(open("grey.json")); assert m["mean"] == [0.5] * 3 and m["std"] == [0.25] * 3, m'
echo "e2e exporter: ok"
