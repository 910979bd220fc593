#!/usr/bin/env bash
# End to end through the real binary: the smoke sweep through validate, run
# (dry, real, resumed), query, status and report, then bad input, which must
# exit 2 and leave the database exactly as it was.
# Usage: e2e_smoke.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"

expect_exit 0 "$sweep" validate "$sweeps/smoke.json"
expect_output "ok: sweep \"smoke\", 1 backbone x 2 targets x 3 depths x 1 lr x 1 seed = 6 trials"

expect_exit 0 "$sweep" run --dry-run "$sweeps/smoke.json"
expect_output "6 to run (dry run: nothing was written)"
[ ! -e sweep.db ] || fail "a dry run created the database"

expect_exit 0 "$sweep" run "$sweeps/smoke.json" --threads 2
expect_output "backbone fashion-resnet10-w8: resnet10 pretrained on fashion-mnist"
expect_output "smoke: 6 trials finished, 0 failed in"
expect_output "cache $SWEEP_CACHE: about "
grep -qE '^done .*, peak memory [0-9.]+ MB$' "$work/out" || fail "a finished trial's line lacks its peak memory"
grep -qE "^smoke: a worker's peak memory was [0-9.]+ MB \(.*\); of it, the feature cache keeps at most --feature-memory 1024 \(MiB\), beside the frozen features of the trial running$" "$work/out" ||
  fail "the run did not end with a worker's peak memory"

expect_exit 0 "$sweep" run "$sweeps/smoke.json"
expect_output "6 already done, 0 to run"
expect_output "smoke: 0 trials finished, 0 failed in"

expect_exit 0 "$sweep" query "SELECT count(*) AS n FROM results WHERE state = 'done' AND test_accuracy BETWEEN 0 AND 1"
expect_output "(1 row)"
grep -qE '^ *6$' "$work/out" || fail "expected 6 done trials"
expect_exit 0 "$sweep" query "SELECT target, unfrozen FROM results ORDER BY position LIMIT 2" --format csv
expect_output $'target,unfrozen\r'
expect_output $'clothes,0\r'
expect_exit 0 "$sweep" query "SELECT unfrozen, blocks FROM results ORDER BY position DESC LIMIT 1" --format json
expect_output '"blocks": 5'
expect_exit 0 "$sweep" query --schema
expect_output "results: one row per trial"

expect_exit 0 "$sweep" status
expect_output "smoke: 6 trials: 6 done, 0 running, 0 failed, 0 pending"

expect_exit 0 "$sweep" report
expect_output "clothes (near): "
expect_output "digits (far): "
expect_exit 0 "$sweep" report --html
expect_output "$work/sweep-report.html"
grep -qF "<!DOCTYPE html>" sweep-report.html || fail "report is not HTML"
grep -qF "digits" sweep-report.html || fail "report lacks the far target"

# Bad input: exit 2, one clear line, the database byte for byte as it was.
cp sweep.db before.db
expect_exit 2 "$sweep" query "DELETE FROM trials"
expect_output "sweep query: refused: DELETE would write to the database; sweep query only reads"
printf '{\n  "name": "x",\n  "grid" {}\n}\n' > broken.json
expect_exit 2 "$sweep" run broken.json
expect_output "broken.json:3:10: invalid JSON"
sed 's/"unfrozen"/"unfozen"/' "$sweeps/smoke.json" > misspelt.json
expect_exit 2 "$sweep" run misspelt.json
expect_output 'misspelt.json: /grid/unfozen: unknown key; did you mean "unfrozen"?'
sed 's/"lr": \[0.05\]/"lr": [0]/' "$sweeps/smoke.json" > zero_lr.json
expect_exit 2 "$sweep" run zero_lr.json
expect_output "zero_lr.json: /grid/lr/0: expected a number > 0, got 0"
sed 's/"opencv-digits"/"opencv-digits", "path": "\/nonexistent\/digits.png"/' "$sweeps/smoke.json" > missing.json
expect_exit 2 "$sweep" run missing.json
expect_output "missing.json: /targets/1/dataset: opencv-digits not found: /nonexistent/digits.png does not exist"
expect_exit 2 "$sweep" run "$sweeps/smoke.json" --devices cuda:7
expect_output "--devices cuda:7: cuda:7 is not there; this machine has 0 visible CUDA device(s)"
cmp -s sweep.db before.db || fail "bad input changed the database"

echo "not a database, just text that is long enough to look like a header........" > notes.txt
cp notes.txt notes.before
expect_exit 2 "$sweep" run "$sweeps/smoke.json" --db notes.txt
expect_output "notes.txt: not a SQLite database"
cmp -s notes.txt notes.before || fail "sweep changed a file that is not its database"
expect_exit 2 "$sweep" run "$sweeps/smoke.json" --db /nonexistent/folder/x.db
expect_output "cannot open or create the results database"
expect_exit 2 "$sweep" report --db absent.db
expect_output "absent.db: no results database; run \`sweep run FILE\` first, or pass --db"
expect_exit 2 "$sweep" report --sweep nope
expect_output 'sweep.db: no sweep named "nope"; it holds "smoke"'
expect_exit 2 "$sweep" frobnicate
echo "e2e smoke: ok"
