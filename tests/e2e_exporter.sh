#!/usr/bin/env bash
# scripts/export_torchvision.py as users meet it: checkpoints with their own
# classifier (5 classes), wrapped, DataParallel- or Lightning-prefixed, or the
# whole pickled model, export and give the model's own features; a file that is
# not a checkpoint, a missing file and the weights of another architecture end
# in one line naming the file, never a traceback; --mean/--std reach the metadata. Exporting the same weights again
# (another Python process, another checkpoint layout) keeps the sweep's trial
# ids; other weights make new trials and `sweep run` says the backbone changed.
# Exits 77 (CTest's skip) where Debian's python3-torchvision is missing.
# Usage: e2e_exporter.sh REPOSITORY SWEEP_BINARY
set -euo pipefail
repo=$1
sweep=$2
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
torch.save({"state_dict": {"model.backbone." + k: v for k, v in model.state_dict().items()}},
           "lightning.pth")  # a module's attributes, Lightning-style
torch.save(model, "pickled.pth")  # the whole model
torch.save(torchvision.models.mobilenet_v3_small().state_dict(), "mobilenet.pth")
torch.manual_seed(1)
torch.save(torchvision.models.resnet18(num_classes=5).state_dict(), "other.pth")
model.fc = torch.nn.Identity()
model.eval()
with torch.no_grad():
    torch.save(model(torch.linspace(-1, 1, 2 * 3 * 64 * 64).view(2, 3, 64, 64)), "expected.pt")
PY
printf 'a shopping list, not a checkpoint\n' > notes.pth

for weights in five wrapped lightning pickled; do
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
# The same weights exported again, by another process from another layout:
# the same trial ids, nothing to run. Other weights: new trials, and a word.
"$python" - <<'PY'
import pathlib
from PIL import Image
for cls, shade in (("light", 220), ("dark", 40)):
    folder = pathlib.Path("photos") / cls
    folder.mkdir(parents=True)
    for i in range(6):
        Image.new("RGB", (24, 24), (shade, (shade + 40 * i) % 256, 90)).save(folder / f"{i}.png")
PY
printf '%s\n' '{"name": "mine",' \
  '"backbones": [{"name": "in-house", "torchscript": "model.pt"}],' \
  '"targets": [{"name": "shades", "similarity": "far", "dataset": "image-folder", "path": "photos",' \
  '             "train_per_class": 2, "val_per_class": 2, "test_per_class": 2}],' \
  '"grid": {"unfrozen": [0], "lr": [0.05], "seeds": [0]},' \
  '"training": {"epochs": 1, "batch_size": 4, "probe_epochs": 5}}' > mine.json
expect_exit 0 export_model resnet18 --weights five.pth --image-size 32 --out model.pt
expect_exit 0 "$sweep" run mine.json
first=$(q sweep.db "SELECT trial_id FROM results")
expect_exit 0 export_model resnet18 --weights wrapped.pth --image-size 32 --out model.pt
expect_exit 0 "$sweep" run mine.json
expect_output "1 already done, 0 to run"
[ "$(q sweep.db "SELECT trial_id FROM results")" = "$first" ] || fail "re-exported, the trial ids changed"
expect_exit 0 export_model resnet18 --weights other.pth --image-size 32 --out model.pt
expect_exit 0 "$sweep" run mine.json
expect_output 'mine: backbone "in-house" changed since the last run: 1 earlier trial kept but not part of this sweep'
[ "$(q sweep.db "SELECT count(*) FROM results")" = 1 ] || fail "the sweep holds more than its one trial"
[ "$(q sweep.db "SELECT trial_id FROM results")" != "$first" ] || fail "other weights kept the trial id"
echo "e2e exporter: ok"
