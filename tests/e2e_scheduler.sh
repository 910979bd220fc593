#!/usr/bin/env bash
# The scheduler with real worker processes: an injected crash and a hang fail
# their trial alone; --retry-failed runs them again; SIGKILL of `sweep run` at
# random moments loses no finished trial and the rest resume; two runners on one
# database run every trial exactly once; Ctrl-C saves state and exits 130.
# Usage: e2e_scheduler.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"

# The smoke study with four seeds: 24 short trials.
sed 's/"seeds": \[0\]/"seeds": [0, 1, 2, 3]/' "$sweeps/smoke.json" > many.json
"$sweep" run "$sweeps/smoke.json" --db warmup.db >/dev/null 2>&1  # pretrains once into the cache

echo "--- a crash and a hang fail their trial alone"
SWEEP_TEST_FAULT="segv@2,hang@4" expect_exit 1 "$sweep" run "$sweeps/smoke.json" --db faults.db --trial-timeout 40
# A crash's error may go on with the worker's last output (LibTorch 2.x prints a
# backtrace on SIGSEGV); its first words are ours.
[ "$(q faults.db "SELECT position, substr(error, 1, 39) FROM results WHERE state = 'failed' ORDER BY position")" = \
  $'2,worker crashed with signal 11 (SIGSEGV)\n4,timed out after 40.0 s' ] || { q faults.db "SELECT position, state, error FROM results"; fail "unexpected failures"; }
[ "$(q faults.db "SELECT count(*) FROM results WHERE state = 'done'")" = 4 ] || fail "the other trials did not finish"
expect_exit 0 "$sweep" run "$sweeps/smoke.json" --db faults.db --retry-failed
[ "$(q faults.db "SELECT sum(attempts) FROM results WHERE position IN (2, 4)")" = 4 ] || fail "retries not counted"
[ "$(q faults.db "SELECT count(*) FROM results WHERE state = 'done'")" = 6 ] || fail "retry did not finish them"

echo "--- the executable replaced during a run (a rebuild, an upgrade)"
cp "$sweep" ./sweep-old
SWEEP_TEST_FAULT="segv@3" ./sweep-old run "$sweeps/smoke.json" --db replaced.db > replaced.log 2>&1 &
runner=$!
for _ in $(seq 200); do grep -q "^done " replaced.log && break; sleep 0.1; done
cp "$sweep" ./sweep-new && mv ./sweep-new ./sweep-old  # a new file where the old one was
set +e; wait "$runner"; code=$?; set -e
[ "$code" = 1 ] || { cat replaced.log; fail "exited $code"; }
[ "$(q replaced.db "SELECT group_concat(position) FROM (SELECT position FROM results WHERE state = 'done' ORDER BY position)")" = '"0,1,2,4,5"' ] || {
  cat replaced.log; fail "the worker started after the replacement did not run"; }

echo "--- SIGKILL at random moments, then resume"
for round in 1 2 3; do
  "$sweep" run many.json --db killed.db >/dev/null 2>&1 &
  runner=$!
  sleep "$(( (RANDOM % 3) + 2 )).$(( RANDOM % 10 ))"
  kill -KILL "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  sleep 0.3
  pgrep -f "sweep worker.*$work" >/dev/null && fail "a worker outlived its killed runner"
  q killed.db "SELECT trial_id, test_accuracy, finished_at FROM results WHERE state = 'done' ORDER BY trial_id" > "done.$round"
  if [ "$round" -gt 1 ]; then
    comm -23 "done.$((round - 1))" "done.$round" | grep -q . && fail "round $round lost or changed a finished trial"
  fi
  echo "round $round: $(wc -l < "done.$round") trials done"
done
expect_exit 0 "$sweep" run many.json --db killed.db
[ "$(q killed.db "SELECT count(*) FROM results WHERE state = 'done'")" = 24 ] || fail "not every trial finished"
[ "$(q killed.db "SELECT count(*) FROM results WHERE state <> 'done'")" = 0 ] || fail "trials left behind"
q killed.db "SELECT trial_id, test_accuracy, finished_at FROM results WHERE state = 'done' ORDER BY trial_id" > done.final
comm -23 done.3 done.final | grep -q . && fail "resuming changed a finished trial"

echo "--- two runners on one database"
"$sweep" run many.json --db shared.db --threads 1 > one.log 2>&1 &
first=$!
"$sweep" run many.json --db shared.db --threads 1 > two.log 2>&1 &
second=$!
wait "$first" || fail "first runner failed: $(cat one.log)"
wait "$second" || fail "second runner failed: $(cat two.log)"
[ "$(q shared.db "SELECT count(*) FROM results WHERE state = 'done' AND attempts = 1")" = 24 ] || fail "a trial ran twice or not at all"
ran_one=$(grep -c '^done ' one.log || true)
ran_two=$(grep -c '^done ' two.log || true)
[ $((ran_one + ran_two)) = 24 ] || fail "runners ran $ran_one + $ran_two trials"
echo "runners shared the work: $ran_one + $ran_two"

echo "--- adaptive seeds: SIGKILL at random moments, then resume, adds what one run adds"
python3 - "$sweeps/smoke.json" <<'PY' > adaptive.json
import json, sys
spec = json.load(open(sys.argv[1]))
spec["grid"]["seeds"] = {"min": 2, "max": 4}
spec["grid"]["unfrozen"] = [2, "all"]  # two epochs of noisy training: undecided at two seeds
spec["grid"]["lr"] = [0.02, 0.1]
print(json.dumps(spec))
PY
expect_exit 0 "$sweep" run adaptive.json --db adaptive-once.db --threads 1
for round in 1 2; do
  "$sweep" run adaptive.json --db adaptive-killed.db --threads 1 >/dev/null 2>&1 &
  runner=$!
  sleep "$(( (RANDOM % 4) + 3 )).$(( RANDOM % 10 ))"
  kill -KILL "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
done
expect_exit 0 "$sweep" run adaptive.json --db adaptive-killed.db --threads 1
trials() { q "$1" "SELECT trial_id, seed, reason <> 'grid', state FROM results ORDER BY trial_id"; }
[ "$(trials adaptive-once.db)" = "$(trials adaptive-killed.db)" ] || {
  diff <(trials adaptive-once.db) <(trials adaptive-killed.db); fail "killed and resumed, the sweep added other seeds"; }
[ "$(q adaptive-killed.db "SELECT count(*) = count(DISTINCT trial_id) FROM results")" = 1 ] || fail "a trial is listed twice"
[ "$(q adaptive-killed.db "SELECT count(*) FROM results WHERE state NOT IN ('done', 'stopped')")" = 0 ] || fail "trials left"
[ "$(q adaptive-killed.db "SELECT count(*) FROM results WHERE reason <> 'grid' AND (seed < 2 OR seed > 3 OR reason NOT LIKE 'added seed _: %')")" = 0 ] ||
  fail "an added trial outside seeds 2..3 or without its reason"
[ "$(q adaptive-killed.db "SELECT count(*) FROM results WHERE reason <> 'grid'")" -gt 0 ] || fail "no seed was added"
echo "adaptive: $(q adaptive-once.db "SELECT count(*) FROM results WHERE reason <> 'grid'") seeds added"
expect_exit 0 "$sweep" status --db adaptive-killed.db
expect_exit 0 "$sweep" report --db adaptive-killed.db --html

echo "--- Ctrl-C saves state"
"$sweep" run many.json --db interrupted.db > int.log 2>&1 &
runner=$!
sleep 4
kill -INT "$runner"
set +e; wait "$runner"; code=$?; set -e
[ "$code" = 130 ] || { cat int.log; fail "Ctrl-C exited $code"; }
grep -q "interrupted after" int.log || fail "no interruption message"
[ "$(q interrupted.db "SELECT count(*) FROM results WHERE state = 'running'")" = 0 ] || fail "trials left running"
echo "e2e scheduler: ok"
