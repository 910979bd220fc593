#!/usr/bin/env bash
# End to end through the real binary: a tiny similarity ladder (one target at
# two shift levels beside a far one, one epoch, the last block alone and LP-FT
# beside the depths) through validate, run, query and report; then a bad
# ladder, which must exit 2 and leave the database as it was.
# Usage: e2e_ladder.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"

# The smoke study's backbone and targets; the near one at shift levels 0 and 1.
python3 - "$sweeps/smoke.json" > ladder.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["name"] = "tiny_ladder"
spec["targets"][0]["shift"] = [{"invert": 1}, {"rotate": 90}, {"mix": 0.3, "dataset": "opencv-digits"}]
spec["targets"][0]["levels"] = [0, 1]
spec["grid"] = {"unfrozen": [0, "all"], "lr": [0.05], "seeds": [0, 1],
                "strategies": [{"blocks": 5}, {"lp_ft": "all"}]}
spec["training"]["epochs"] = 1
print(json.dumps(spec, indent=2))
PY

expect_exit 0 "$sweep" validate ladder.json
expect_output "1 backbone x 3 targets x (2 depths + 2 strategies) x 1 lr x 2 seeds = 24 trials"

expect_exit 0 "$sweep" run ladder.json --threads 2
expect_output "tiny_ladder: 24 trials finished, 0 failed in"
expect_output "done     clothes@1, LP-FT, 5 (all) blocks, lr 0.05, seed 1"
expect_output "measured fashion-resnet10-w8 on clothes@1:"

[ "$(q sweep.db "SELECT DISTINCT target FROM results ORDER BY target" | tr '\n' ' ')" = "clothes@0 clothes@1 digits " ] ||
  fail "expected one target per level beside digits"
[ "$(q sweep.db "SELECT count(DISTINCT trial_id) FROM results")" = 24 ] || fail "trial ids collide"
[ "$(q sweep.db "SELECT strategy || ':' || count(*) FROM results GROUP BY strategy ORDER BY strategy" | tr '\n' ' ')" = "lp-ft:6 range 5-5:6 trailing:12 " ] ||
  fail "the results view's strategies"
# LP-FT's curve starts at epoch 0, from the probe.
[ "$(q sweep.db "SELECT min(epoch) FROM curves c JOIN results r USING (trial_id) WHERE r.strategy = 'lp-ft'")" = 0 ] ||
  fail "LP-FT's curve does not start from its probe"
[ "$(q sweep.db "SELECT count(*) FROM results WHERE target = 'clothes@1' AND similarity = 'near, shift 1'")" = 8 ] ||
  fail "level 1's label"
# The chain is in the trial's identity; level 0 has none.
[ "$(q sweep.db "SELECT json_array_length(config_json, '\$.target.shift') FROM trials WHERE target = 'clothes@1' LIMIT 1")" = 3 ] ||
  fail "level 1's trials do not carry the chain"
[ "$(q sweep.db "SELECT count(*) FROM trials WHERE target = 'clothes@0' AND json_extract(config_json, '\$.target.shift') IS NOT NULL")" = 0 ] ||
  fail "level 0 carries a chain"
# Each level is measured as a target of its own, and the shift moves it away.
frechet() { q sweep.db "SELECT frechet_distance FROM transfer_measures WHERE target = '$1'"; }
[ -n "$(frechet clothes@1)" ] || fail "level 1 was not measured"
[ "$(frechet clothes@0)" != "$(frechet clothes@1)" ] || fail "the levels measure alike"
[ "$(q sweep.db "SELECT count(DISTINCT target_key) FROM transfer_measures")" = 3 ] ||
  fail "expected three measured targets"

expect_exit 0 "$sweep" report
expect_output "the answer against the measured distance, backbone fashion-resnet10-w8, nearest first"
expect_output "Distance and head-only gap: Spearman rank correlation"
expect_output "other strategies, best learning rate each chosen on validation"
expect_output "block 5 only"
expect_exit 0 "$sweep" report --html --out report.html
grep -qF "Similarity, measured, and the answer" report.html || fail "the HTML lacks the similarity chart"
grep -qF "blocks training opened" report.html || fail "the HTML lacks the depth column"

# A bad ladder: exit 2, a message that names the place, the database untouched.
before=$(sha256sum sweep.db)
python3 - ladder.json > bad.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["targets"][0]["levels"] = [0, 2]
spec["targets"][0]["shift"][0] = {"invert": 1, "blur": 2}
print(json.dumps(spec))
PY
expect_exit 2 "$sweep" run bad.json
expect_output "bad.json: /targets/0/levels/1: expected a level from 0 (the target as it is) to 1 (the whole shift), got 2"
expect_output "bad.json: /targets/0/shift/0: a step names one change, this one names 2"
[ "$(sha256sum sweep.db)" = "$before" ] || fail "a refused sweep changed the database"
echo "e2e_ladder: ok"
