#!/usr/bin/env bash
# `sweep submit --slurm`, `sweep merge` and the Slurm part of `sweep status`
# through the real binary, with fake sbatch/squeue/sacct on PATH, so it runs
# anywhere: dry run, sbatch missing, a rejected submission, then a submission
# whose array tasks this script runs by hand (as Slurm would, one of them
# stopped with SIGTERM half-way and run again), merged twice, submitted again.
# The real Slurm is e2e_slurm.sh's.
# Usage: e2e_submit.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"

# Fake Slurm commands: sbatch answers from $work/sbatch.mode, squeue prints
# $work/squeue.out, sacct says accounting is off. Only these are on PATH.
mkdir bin
cat > bin/sbatch <<'EOF'
#!/bin/sh
work=$(dirname "$(dirname "$0")")
echo "$*" >> "$work/sbatch.calls"
case "$(cat "$work/sbatch.mode" 2>/dev/null)" in
  reject) echo "sbatch: error: invalid partition specified: nosuch" >&2
          echo "sbatch: error: Batch job submission failed: Invalid partition name specified" >&2
          exit 1 ;;
  *) echo "4242" ;;
esac
EOF
cat > bin/squeue <<'EOF'
#!/bin/sh
work=$(dirname "$(dirname "$0")")
cat "$work/squeue.out" 2>/dev/null
EOF
cat > bin/sacct <<'EOF'
#!/bin/sh
echo "Slurm accounting storage is disabled" >&2
exit 1
EOF
chmod +x bin/*
fake=(env "PATH=$work/bin:/usr/bin:/bin")
nosbatch=(env "PATH=$work/empty")

echo "--- dry run: the batch script, nothing written"
expect_exit 0 "${fake[@]}" "$sweep" submit --slurm "$sweeps/smoke.json" --dry-run \
  --partition gpu --gpus-per-task 1 --max-parallel 1 --time 0:10:00
expect_output "#SBATCH --array=0-1%1"
expect_output "#SBATCH --gres=gpu:1"
expect_output "#SBATCH --partition=gpu"
expect_output "#SBATCH --time=0:10:00"
expect_output "shard-run $work/sweep.db.shards/"
expect_output "smoke: 2 array tasks, 6 trials (0 already done)"
expect_output "task 0: fashion-resnet10-w8 on clothes, 3 trials"
[ ! -e sweep.db ] && [ ! -e sweep.db.shards ] || fail "a dry run wrote something"
[ ! -e sbatch.calls ] || fail "a dry run called sbatch"

echo "--- sbatch missing, sbatch rejecting, bad options: exit 2, nothing written"
expect_exit 2 "${nosbatch[@]}" "$sweep" submit --slurm "$sweeps/smoke.json"
expect_output "sbatch not found on PATH: run \`sweep submit --slurm\` where Slurm's commands are installed"
echo reject > sbatch.mode
expect_exit 2 "${fake[@]}" "$sweep" submit --slurm "$sweeps/smoke.json" --partition nosuch
expect_output "sbatch rejected the job array: sbatch: error: invalid partition specified: nosuch; sbatch: error: Batch job submission failed: Invalid partition name specified; nothing was submitted"
expect_exit 2 "${fake[@]}" "$sweep" submit --slurm "$sweeps/smoke.json" --time "1 day"
expect_output "--time \"1 day\": Slurm values here are letters, digits and . _ - : , / + =; got ' '"
expect_exit 2 "${fake[@]}" "$sweep" submit "$sweeps/smoke.json"
expect_output "--slurm is required"
[ ! -e sweep.db ] || fail "a failed submission created the database"
[ -z "$(ls -A sweep.db.shards 2>/dev/null)" ] || fail "a failed submission left a shard folder"

echo "--- a submission"
echo accept > sbatch.mode
expect_exit 0 "${fake[@]}" "$sweep" submit --slurm "$sweeps/smoke.json" --max-parallel 2
expect_output "smoke: submitted Slurm job 4242: 2 array tasks, 6 trials (0 already done)"
expect_output "when the tasks are done, \`sweep merge --db sweep.db\`"
folder=$(ls -d sweep.db.shards/*)
[ -f "$folder/submit.sh" ] && [ -f "$folder/task-0.json" ] && [ -f "$folder/task-1.json" ] || fail "submission files missing"
[ "$(q sweep.db "SELECT job_id || '/' || tasks || '/' || trials FROM slurm_submissions")" = "4242/2/6" ] || fail "submission not recorded"
[ "$(q sweep.db "SELECT count(*) FROM results WHERE state = 'pending'")" = 6 ] || fail "trials not registered"

printf '4242_0|RUNNING|node1\n4242_1|PENDING|(JobArrayTaskLimit)\n' > squeue.out
expect_exit 0 "${fake[@]}" "$sweep" status
expect_output "Slurm job 4242 ("
expect_output "task 0, fashion-resnet10-w8 on clothes: RUNNING on node1; no shard yet"
expect_output "task 1, fashion-resnet10-w8 on digits: PENDING (JobArrayTaskLimit); no shard yet"

echo "--- while the job is queued, submitting again adds nothing"
expect_exit 0 "${fake[@]}" "$sweep" submit --slurm "$sweeps/smoke.json"
expect_output "smoke: nothing to submit: 0 of 6 trials done, 6 queued or running in earlier jobs"

echo "--- the tasks, run by hand as Slurm would; task 1 stopped half-way, then requeued"
SLURM_ARRAY_TASK_ID=0 bash "$folder/submit.sh" > task0.log 2>&1 || { cat task0.log; fail "task 0 failed"; }
grep -q "CUDA_VISIBLE_DEVICES=(unset)" task0.log || { cat task0.log; fail "task 0 did not say its devices"; }
SLURM_ARRAY_TASK_ID=1 bash "$folder/submit.sh" > task1.log 2>&1 &
task=$!
for _ in $(seq 600); do
  grep -q '^done ' task1.log 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$task"
set +e; wait "$task"; code=$?; set -e
[ "$code" = 130 ] || { cat task1.log; fail "a stopped task exited $code, not 130"; }
stopped_done=$(grep -c '^done ' task1.log || true)
[ "$stopped_done" -ge 1 ] && [ "$stopped_done" -lt 3 ] || { cat task1.log; fail "stopped after $stopped_done trials, wanted 1 or 2"; }
[ "$(q "$folder/task-1.db" "SELECT count(*) FROM trials WHERE state = 'done'")" = "$stopped_done" ] || fail "the shard lacks the finished trials"
[ "$(q "$folder/task-1.db" "SELECT count(*) FROM trials WHERE state IN ('running', 'failed')")" = 0 ] || fail "the stopped trial was not returned to pending"

printf '4242_1|RUNNING|node1\n' > squeue.out
expect_exit 0 "${fake[@]}" "$sweep" status
expect_output "task 0, fashion-resnet10-w8 on clothes: no longer in Slurm's queue; 3 of 3 trials done in its shard"
expect_output "$((3 + stopped_done)) trials finished in shards, not merged yet"

SLURM_ARRAY_TASK_ID=1 bash "$folder/submit.sh" > task1.again.log 2>&1 || { cat task1.again.log; fail "requeued task 1 failed"; }
grep -q "$stopped_done already done, resumed from" task1.again.log || { cat task1.again.log; fail "the requeued task did not resume"; }
[ "$(grep -c '^done ' task1.again.log)" = $((3 - stopped_done)) ] || { cat task1.again.log; fail "the requeued task ran finished trials again"; }

echo "--- merge, twice"
: > squeue.out
expect_exit 0 "$sweep" merge
expect_output "merged 2 shards into sweep.db: 6 done and 0 failed merged, 0 already there, 0 not finished"
[ "$(q sweep.db "SELECT count(*) FROM results WHERE state = 'done' AND attempts = 1")" = 6 ] || fail "not every trial done exactly once"
q sweep.db "SELECT * FROM trials ORDER BY trial_id" > trials.before
q sweep.db "SELECT * FROM epochs ORDER BY trial_id, epoch" > epochs.before
expect_exit 0 "$sweep" merge
expect_output "merged 2 shards into sweep.db: 0 done and 0 failed merged, 6 already there, 0 not finished"
q sweep.db "SELECT * FROM trials ORDER BY trial_id" | cmp -s - trials.before || fail "merging twice changed the trials"
q sweep.db "SELECT * FROM epochs ORDER BY trial_id, epoch" | cmp -s - epochs.before || fail "merging twice changed the epochs"
expect_exit 0 "$sweep" report
expect_output "clothes (near): "

echo "--- everything done: nothing submitted"
rm -f sbatch.calls
expect_exit 0 "${fake[@]}" "$sweep" submit --slurm "$sweeps/smoke.json"
expect_output "smoke: nothing to submit: 6 of 6 trials done"
[ ! -e sbatch.calls ] || fail "sbatch was called with nothing to do"

echo "--- a submission folder deleted by hand"
rm -rf "$folder"
expect_exit 0 "${fake[@]}" "$sweep" status
expect_output "its folder is gone; its tasks' results are lost unless merged before"
echo "e2e submit: ok"
