#!/usr/bin/env bash
# Bring your own backbone and data, end to end: a torchvision resnet18 exported
# to TorchScript (by the make_test_models fixture) on an image folder written
# here, with one corrupt file that is skipped, listed and reported; strict mode
# stops on it; bad model files are refused before anything is written.
# Usage: e2e_byo.sh SWEEP_BINARY MODELS_FOLDER
set -euo pipefail
sweep=$1
models=$2
source "$(dirname "$0")/e2e_lib.sh"
need_test_models "$models"

# Two classes of 14 small pictures, light squares and dark stripes, and a
# file that is not an image at all.
cat > make_photos.py <<'PY'
import pathlib, random
from PIL import Image, ImageDraw
random.seed(0)
for cls, shade in (("squares", 220), ("stripes", 40)):
    folder = pathlib.Path("photos") / cls
    folder.mkdir(parents=True)
    for i in range(14):
        image = Image.new("RGB", (40, 30), (128, 128, 128))
        draw = ImageDraw.Draw(image)
        x, y = random.randint(0, 15), random.randint(0, 8)
        if cls == "squares":
            draw.rectangle([x, y, x + 18, y + 18], fill=(shade, shade, 50))
        else:
            for k in range(0, 40, 8):
                draw.line([k + x % 4, 0, k + x % 4, 30], fill=(shade, 60, shade), width=3)
        image.save(folder / ("%02d.%s" % (i, "png" if i % 2 else "jpg")))
(pathlib.Path("photos") / "stripes" / "broken.jpg").write_bytes(b"not a jpeg")
PY
/usr/bin/python3 make_photos.py

printf '%s\n' '{' \
  '  "name": "byo",' \
  "  \"backbones\": [{\"name\": \"resnet18\", \"torchscript\": \"$models/resnet18.pt\"}]," \
  '  "targets": [{"name": "shapes", "similarity": "far", "dataset": "image-folder", "path": "photos",' \
  '               "train_per_class": 8, "val_per_class": 3, "test_per_class": 3}],' \
  '  "grid": {"unfrozen": [0, 1, "all"], "lr": [0.01], "seeds": [0]},' \
  '  "training": {"epochs": 1, "batch_size": 8, "probe_epochs": 5}' \
  '}' > byo.json

"$sweep" validate byo.json > validate.log 2>&1 || { cat validate.log; fail "validate"; }
grep -q 'ok: sweep "byo", 1 backbone x 1 target x 3 depths x 1 lr x 1 seed = 3 trials' validate.log ||
  fail "$(cat validate.log)"
"$sweep" run byo.json > run.log 2>&1 || { cat run.log; fail "the sweep failed"; }
grep -qE "skipped  shapes: 1 image did not decode and was left out, first .*photos/stripes/broken.jpg: not a decodable" run.log ||
  fail "the run does not say that an image was left out: $(grep -i decode run.log)"
[ "$(q sweep.db "SELECT count(*) FROM results WHERE state = 'done'")" = 3 ] || fail "not every trial finished"
trainable=$(q sweep.db "SELECT group_concat(trainable_params) FROM (SELECT trainable_params FROM results ORDER BY unfrozen)")
[ "$trainable" = '"1026,8394754,11177538"' ] || fail "trainable parameters by depth: $trainable"
q sweep.db "SELECT entry FROM skipped_images" |
  grep -q "photos/stripes/broken.jpg: not a decodable image" || fail "the corrupt image is not listed"
"$sweep" report > report.txt
grep -q "1 image did not decode and was left out" report.txt ||
  fail "the report does not mention the skipped image in one sentence: $(grep decode report.txt)"
"$sweep" report --html > /dev/null
grep -q "broken.jpg" sweep-report.html || fail "the HTML report does not list the skipped image"
ls cache/images/*.bin > /dev/null || fail "no decoded-image cache"

# Strict mode stops on the corrupt file: every trial fails with the cause.
sed 's/"dataset": "image-folder"/"dataset": "image-folder", "strict": true/' byo.json > strict.json
set +e
"$sweep" run strict.json --db strict.db > strict.log 2>&1
code=$?
set -e
[ "$code" = 1 ] || { cat strict.log; fail "strict mode exited $code"; }
q strict.db "SELECT error FROM results WHERE state = 'failed'" |
  grep -q "broken.jpg: not a decodable image (strict mode)" ||
  fail "strict failures lack their cause: $(q strict.db "SELECT state, error FROM results")"

# Bad model files: exit 2 with the file and what is wrong, nothing written.
for bad in bad_rank bad_not_torchscript bad_no_metadata; do
  sed "s|$models/resnet18.pt|$models/$bad.pt|; s|\"unfrozen\": \[0, 1, \"all\"\]|\"unfrozen\": [0]|" byo.json > "$bad.json"
  set +e
  "$sweep" run "$bad.json" --db "$bad.db" > "$bad.log" 2>&1
  code=$?
  set -e
  [ "$code" = 2 ] || { cat "$bad.log"; fail "$bad exited $code"; }
  [ ! -e "$bad.db" ] || fail "$bad wrote a database"
  grep -q "$bad.json: /backbones/0/torchscript: " "$bad.log" || fail "$bad: $(cat "$bad.log")"
done
echo "bring your own: ok"
