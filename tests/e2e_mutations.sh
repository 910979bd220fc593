#!/usr/bin/env bash
# The real binary against mutated sweep files (seeded, bounded): bytes flipped,
# spans cut or repeated, values replaced by hostile ones, dataset and model
# paths pointed at things that are not what they claim (a folder, /dev/null,
# a symlink loop, the database itself, a truncated digits sheet). Whatever the
# mutation, `sweep validate` exits 0 or 2, never dies of a signal, never prints
# a library's exception text; where it refuses, `sweep run` refuses too (exit
# 2) and the database holding a finished sweep stays byte for byte as it was.
# Usage: e2e_mutations.sh SWEEP_BINARY SWEEPS_FOLDER [COUNT]
set -euo pipefail
sweep=$1
sweeps=$2
count=${3:-80}
source "$(dirname "$0")/e2e_lib.sh"

# A finished sweep's database, the one every refused run must leave alone.
expect_exit 0 "$sweep" run "$sweeps/smoke.json" --db kept.db
cp kept.db before.db

mkdir -p mutants a-folder fake-fashion photos/cats photos/dogs
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  echo "not gzip" > "fake-fashion/$f"
done
for i in 1 2 3; do  # images by name and magic bytes, none whole
  printf '\x89PNG\r\n\x1a\nbroken' > "photos/cats/$i.png"
  printf '\xff\xd8\xffbroken' > "photos/dogs/$i.jpg"
done
ln -s loop-b loop-a && ln -s loop-a loop-b
head -c 5000 /usr/share/doc/opencv-doc/examples/data/digits.png > truncated.png 2>/dev/null ||
  printf '\x89PNG\r\n\x1a\n' > truncated.png
python3 - "$sweeps/smoke.json" "$count" "$work" <<'PY'
import json, random, sys
source, count, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
valid = json.load(open(source))
text = json.dumps(valid, indent=1)
hostile = [1e999, -1, 0, 2.5, "", "a\u0000b", "\u001b[2J", [], {}, None, True,
           2**63 - 1, -2**63, 2**64, "../../x", "n" * 5000, -1e-300, ["all", "all"],
           work + "/a-folder", "/dev/null", work + "/loop-a", work + "/kept.db",
           work + "/truncated.png", "/nonexistent/x"]
def leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, path + (i,))
    yield path
places = [work + "/a-folder", "/dev/null", work + "/loop-a", work + "/kept.db",
          work + "/truncated.png", work + "/fake-fashion", work + "/photos", "/nonexistent/x",
          work + "/photos/cats/1.png"]
# A file or folder where the sweep expects a dataset or a model.
def misplace(doc, rng):
    where = rng.randrange(4)
    if where == 0:
        doc["targets"][1]["path"] = rng.choice(places)
    elif where == 1:
        doc["targets"][0]["path"] = rng.choice(places)
    elif where == 2:
        target = doc["targets"][rng.randrange(2)]
        target.update({"dataset": "image-folder", "path": rng.choice(places)})
        target.pop("classes", None)
        target.update({"train_per_class": 1, "val_per_class": 1, "test_per_class": 1})
    else:
        doc["backbones"][0] = {"name": "mine", "torchscript": rng.choice(places)}
rng = random.Random(20261203)
for n in range(count):
    if n % 2 == 0:
        t = text
        at = rng.randrange(len(t))
        span = 1 + rng.randrange(12)
        kind = n // 2 % 3
        if kind == 0:
            t = t[:at] + rng.choice('"{}[],:0-e\\ x\n\x1b\u00ff') + t[at + 1:]
        elif kind == 1:
            t = t[:at] + t[at + span:]
        else:
            t = t[:at] + t[at:at + span] + t[at:]
        data = t.encode("utf-8", "surrogatepass")
    elif n % 4 == 3:
        doc = json.loads(text)
        misplace(doc, rng)
        data = json.dumps(doc, indent=1).encode()
    else:
        doc = json.loads(text)
        paths = [p for p in leaves(doc) if p]
        path = rng.choice(paths)
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = rng.choice(hostile)
        data = json.dumps(doc, indent=1).encode()
    open(f"{work}/mutants/{n:03d}.json", "wb").write(data)
PY

# Fails when a library's own words reached the user in output file $2 for mutant $1.
no_raw_text() {
  if grep -qE "what\(\)|terminate called|json\.exception|std::|c10::|Traceback|libpng|libjpeg|Corrupt JPEG|Premature end|OpenCV\(" "$2"; then
    cat "$1" "$2"; fail "$1: a library's own words reached the user"
  fi
}

accepted=0
refused=0
for file in mutants/*.json; do
  set +e
  "$sweep" validate "$file" > validate.out 2>&1
  code=$?
  set -e
  [ "$code" -lt 128 ] || { cat "$file" validate.out; fail "$file: sweep validate died of signal $((code - 128))"; }
  no_raw_text "$file" validate.out
  case "$code" in
    0) accepted=$((accepted + 1)) ;;
    2)
      refused=$((refused + 1))
      set +e
      "$sweep" run "$file" --db kept.db > run.out 2>&1
      code=$?
      set -e
      [ "$code" = 2 ] || { cat "$file" validate.out run.out; fail "$file: validate refused it, run exited $code"; }
      no_raw_text "$file" run.out
      cmp -s kept.db before.db || { cat "$file" run.out; fail "$file: a refused run changed the database"; }
      ;;
    *) cat "$file" validate.out; fail "$file: sweep validate exited $code" ;;
  esac
done
echo "$count mutations: $accepted accepted, $refused refused"
[ "$refused" -gt $((count / 3)) ] || fail "only $refused of $count mutations refused: the mutations miss"
[ "$accepted" -gt 0 ] || fail "no mutation accepted: the mutations are all fatal"
