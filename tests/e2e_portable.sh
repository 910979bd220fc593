#!/usr/bin/env bash
# The path real users take: their own TorchScript model and photo folder, named
# by relative paths in a project folder, validated (what the folder passes over
# is said per class), run on Slurm (submit, every task's shard-run, merge), and
# the project moved to another folder and its model renamed: every trial keeps
# its id and nothing runs again; a changed photo makes new trials for its target
# only.
# Usage: e2e_portable.sh SWEEP_BINARY MODELS_FOLDER
set -euo pipefail
sweep=$1
models=$2
source "$(dirname "$0")/e2e_lib.sh"
need_test_models "$models"

mkdir -p project/models
cp "$models/resnet18.pt" project/models/r18.pt
cp "$models/resnet18.json" project/models/r18.json

# Two classes of small pictures in every image type torchvision reads, some in
# a subfolder, with what a photo folder also holds: notes, a hidden file, a
# hidden folder of thumbnails.
cat > make_photos.py <<'PY'
import pathlib, random
from PIL import Image, ImageDraw
random.seed(1)
types = ["png", "JPG", "jpeg", "bmp", "webp", "tif", "ppm"]
for cls, shade in (("light", 220), ("dark", 40)):
    folder = pathlib.Path("project/photos") / cls
    (folder / "more").mkdir(parents=True)
    for i in range(14):
        image = Image.new("RGB", (36, 28), (128, 128, 128))
        draw = ImageDraw.Draw(image)
        x, y = random.randint(0, 14), random.randint(0, 8)
        draw.rectangle([x, y, x + 16, y + 16], fill=(shade, shade, 60))
        where = folder / "more" if i % 5 == 0 else folder
        image.save(where / ("%02d.%s" % (i, types[i % len(types)])))
    (folder / "notes.txt").write_text("taken in May")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / ".thumbs").mkdir()
    Image.new("RGB", (8, 8)).save(folder / ".thumbs" / "00.png")
PY
/usr/bin/python3 make_photos.py

study() {  # study MODEL_PATH: the sweep file, paths relative to it
  printf '%s\n' '{' \
    '  "name": "portable",' \
    "  \"backbones\": [{\"name\": \"r18\", \"torchscript\": \"$1\"}]," \
    '  "targets": [' \
    '    {"name": "photos", "similarity": "far", "dataset": "image-folder", "path": "photos",' \
    '     "train_per_class": 8, "val_per_class": 3, "test_per_class": 3},' \
    '    {"name": "digits", "similarity": "far", "dataset": "opencv-digits", "classes": [0, 1],' \
    '     "train_per_class": 8, "val_per_class": 3, "test_per_class": 3}],' \
    '  "grid": {"unfrozen": [0, 1], "lr": [0.01], "seeds": [0]},' \
    '  "training": {"epochs": 1, "batch_size": 8, "probe_epochs": 5}' \
    '}'
}
study models/r18.pt > project/study.json

# ids FOLDER: "target id" for every trial of the study, as `run --dry-run` lists them.
ids() {
  (cd "$1" && "$sweep" run --dry-run study.json) | awk '$1 ~ /^[0-9]+$/ && length($2) == 16 {print $4, $2}'
}

echo "--- validate says what each class passed over, and why"
(cd project && "$sweep" validate study.json) > "$work/out" 2>&1 || { cat "$work/out"; fail "validate"; }
expect_output 'study.json: /targets/0/path: class "dark": 3 files skipped: 1 of an unsupported type (first: dark/notes.txt), 2 hidden (first: dark/.DS_Store)'
expect_output 'ok: sweep "portable", 1 backbone x 2 targets x 2 depths x 1 lr x 1 seed = 4 trials'
ids project > ids.before
[ "$(wc -l < ids.before)" = 4 ] || fail "expected 4 trials: $(cat ids.before)"

echo "--- on Slurm: submit, every task's shard-run, merge"
mkdir bin
printf '#!/bin/sh\necho 77\n' > bin/sbatch
printf '#!/bin/sh\n' > bin/squeue
printf '#!/bin/sh\nexit 1\n' > bin/sacct
chmod +x bin/*
(cd project && env "PATH=$work/bin:/usr/bin:/bin" "$sweep" submit --slurm study.json) > "$work/out" 2>&1 ||
  { cat "$work/out"; fail "submit"; }
expect_output "portable: submitted Slurm job 77: 2 array tasks, 4 trials (0 already done)"
for script in project/sweep.db.shards/*/submit.sh; do
  for task in 0 1; do
    (cd project && SLURM_ARRAY_TASK_ID=$task bash "$work/$script") > "task$task.log" 2>&1 ||
      { cat "task$task.log"; fail "array task $task"; }
  done
done
(cd project && "$sweep" merge) > "$work/out" 2>&1 || { cat "$work/out"; fail "merge"; }
expect_output "4 done and 0 failed merged"
[ "$(q project/sweep.db "SELECT count(*) FROM results WHERE state = 'done'")" = 4 ] || fail "not every trial done"

echo "--- the project moved to another folder, its model renamed: the same trials, none run again"
cp -r project moved
mv moved/models/r18.pt moved/models/renamed.pt
mv moved/models/r18.json moved/models/renamed.json
study models/renamed.pt > moved/study.json
ids moved | cmp -s - ids.before || fail "the ids changed: $(ids moved) against $(cat ids.before)"
(cd moved && "$sweep" run study.json) > "$work/out" 2>&1 || { cat "$work/out"; fail "run in the moved project"; }
expect_output "4 already done, 0 to run"
[ "$(q moved/sweep.db "SELECT count(*) FROM trials")" = 4 ] || fail "the move added trials"

echo "--- one photo changed: new trials for its target only"
/usr/bin/python3 -c "
from PIL import Image
Image.new('RGB', (36, 28), (10, 200, 10)).save('moved/photos/light/01.JPG', 'JPEG')"
ids moved > ids.after
[ "$(grep -c '^photos ' ids.after)" = 2 ] || fail "$(cat ids.after)"
grep '^digits ' ids.before | cmp -s - <(grep '^digits ' ids.after) || fail "the digits trials changed"
grep '^photos ' ids.after | while read -r _ id; do
  if grep -q " $id\$" ids.before; then fail "photo trial $id kept its id"; fi
done
(cd moved && "$sweep" run study.json) > "$work/out" 2>&1 || { cat "$work/out"; fail "run after the change"; }
expect_output 'portable: the data of target "photos" changed since the last run: 2 earlier trials kept but not part of this sweep'
expect_output "2 already done, 2 to run"
echo "e2e portable: ok"
