#!/usr/bin/env bash
# Sweeps through a real single-node Slurm (scripts/slurm-local.sh starts it and
# stops it again at the end, also when a check fails): the smoke sweep as a job
# array on fake GPUs, merged; a rejected submission; a task cancelled mid-run
# and one requeued mid-run (it resumes from its shard), the rest submitted
# again, every trial done exactly once; merging twice.
# Exits 77 (CTest's skip) where Slurm is not installed or we are not root.
# Usage: e2e_slurm.sh SWEEP_BINARY SWEEPS_FOLDER REPOSITORY
set -euo pipefail
sweep=$1
sweeps=$2
repo=$3

skip() { echo "SKIP: $*"; exit 77; }
for program in slurmctld slurmd sbatch squeue scancel scontrol munged; do
  command -v "$program" >/dev/null ||
    skip "$program not found: Slurm is not installed here (scripts/deps.sh installs slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || skip "starting slurmd needs root"

source "$(dirname "$0")/e2e_lib.sh"
slurm="$work/slurm"
cleanup() {
  "$repo/scripts/slurm-local.sh" stop "$slurm" || true
  pkill -KILL -f "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap 'exit 143' TERM INT
job_of() { sed -n 's/^.*: submitted Slurm job \([0-9]*\):.*$/\1/p' "$work/out"; }

# Waits until log $1 shows a finished trial; 120 s at most.
wait_done() {
  for _ in $(seq 600); do
    grep -q '^done ' "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  fail "$1 shows no finished trial after 120 s"
}

# Waits until Slurm holds no task of job $1 that may still run; 300 s at most.
wait_job() {
  for _ in $(seq 600); do
    [ -z "$(squeue -h -r -j "$1" -o %i 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  squeue -r -j "$1" >&2 || true
  fail "job $1 still queued or running after 300 s"
}

"$repo/scripts/slurm-local.sh" start "$slurm" || fail "could not start Slurm"
. "$slurm/env"
started=$SECONDS
phase() { echo "--- $* (at $((SECONDS - started)) s)"; }

phase "the smoke sweep as a job array, one fake GPU per task"
gpus=()
if [ "${SLURM_LOCAL_GPUS:-0}" -gt 0 ]; then
  gpus=(--gpus-per-task 1)
else
  echo "note: this Slurm has no fake GPUs; tasks run without --gres"
fi
expect_exit 0 "$sweep" submit --slurm "$sweeps/smoke.json" "${gpus[@]}" --max-parallel 2 --time 10
expect_output "2 array tasks, 6 trials (0 already done)"
job=$(job_of)
[ -n "$job" ] || fail "no job id in the output"
wait_job "$job"
expect_exit 0 "$sweep" status
expect_output "Slurm job $job ("
expect_output "task 0, fashion-resnet10-w8 on clothes: COMPLETED"
expect_output "3 of 3 trials done in its shard"
expect_output "6 trials finished in shards, not merged yet"
logs=(sweep.db.shards/*/logs/task-*.log)
if [ ${#gpus[@]} -gt 0 ]; then
  grep -hq "CUDA_VISIBLE_DEVICES=[01]$" "${logs[@]}" || { cat "${logs[@]}"; fail "Slurm gave the tasks no GPU"; }
fi
expect_exit 0 "$sweep" merge
expect_output "6 done and 0 failed merged"
[ "$(q sweep.db "SELECT count(*) FROM results WHERE state = 'done' AND attempts = 1")" = 6 ] || fail "not every trial done exactly once"
expect_exit 0 "$sweep" report
expect_output "digits (far): "

phase "a rejected submission and a finished sweep submit nothing"
q sweep.db "SELECT * FROM trials ORDER BY trial_id" > trials.before
expect_exit 0 "$sweep" submit --slurm "$sweeps/smoke.json"
expect_output "smoke: nothing to submit: 6 of 6 trials done"
sed 's/"lr": \[0.05\]/"lr": [0.05, 0.1]/' "$sweeps/smoke.json" > more.json
expect_exit 2 "$sweep" submit --slurm more.json --partition nosuch
expect_output "sbatch rejected the job array: sbatch: error: invalid partition specified: nosuch"
q sweep.db "SELECT * FROM trials ORDER BY trial_id" | cmp -s - trials.before || fail "a rejected submission changed the database"
[ "$(q sweep.db "SELECT count(*) FROM slurm_submissions")" = 1 ] || fail "a rejected submission was recorded"

phase "a task cancelled mid-run, one requeued mid-run, the rest submitted again"
sed 's/"seeds": \[0\]/"seeds": [0, 1, 2, 3]/' "$sweeps/smoke.json" > many.json
expect_exit 0 "$sweep" submit --slurm many.json --db cancel.db --max-parallel 2
expect_output "2 array tasks, 24 trials"
job=$(job_of)
logs=$(echo cancel.db.shards/*/logs)
wait_done "$logs/task-0.log"
scancel "${job}_0"
wait_done "$logs/task-1.log"
scontrol requeue "${job}_1"
# A requeued task may start again cred_expire + 1 s after it is pending
# (scripts/slurm-local.sh sets 10 s), once its first run has ended, which under
# load can take a while. squeue can briefly list no task while the requeued one
# is being started again, so wait for the second run's first line rather than
# for the job: 240 s at most.
for _ in $(seq 1200); do
  grep -q "already done, resumed from" "$logs/task-1.log" && break
  sleep 0.2
done
wait_job "$job"
grep -q "already done, resumed from" "$logs/task-1.log" || {
  cat "$logs/task-1.log"; grep -i requeue "$slurm/slurmctld.log" | tail -n 20
  fail "the requeued task did not resume from its shard"; }
[ "$(grep -c '^done ' "$logs/task-1.log")" = 12 ] || { cat "$logs/task-1.log"; fail "the requeued task ran a finished trial again"; }
expect_exit 0 "$sweep" status --db cancel.db
expect_output "task 0, fashion-resnet10-w8 on clothes: CANCELLED"
expect_output "task 1, fashion-resnet10-w8 on digits: COMPLETED"
expect_output "tasks ended with trials left"
expect_exit 0 "$sweep" merge --db cancel.db
first=$(q cancel.db "SELECT count(*) FROM results WHERE state = 'done'")
[ "$first" -ge 13 ] && [ "$first" -lt 24 ] || fail "$first trials done after the cancel, expected 13 to 23"
[ "$(q cancel.db "SELECT count(*) FROM results WHERE state = 'failed'")" = 0 ] || fail "the cancel failed a trial"
expect_exit 0 "$sweep" submit --slurm many.json --db cancel.db
expect_output "1 array task, $((24 - first)) trials ($first already done)"
expect_output "task 0: fashion-resnet10-w8 on clothes, $((24 - first)) trials"
wait_job "$(job_of)"
expect_exit 0 "$sweep" merge --db cancel.db
[ "$(q cancel.db "SELECT count(*) FROM results WHERE state = 'done' AND attempts = 1")" = 24 ] || {
  q cancel.db "SELECT trial_id, state, attempts, error FROM results"; fail "not every trial done exactly once"; }
ran=$(cat cancel.db.shards/*/logs/task-*.log | grep -c '^done ')
[ "$ran" = 24 ] || fail "the tasks finished $ran trials for a 24-trial grid: some ran twice"

phase "merging twice changes nothing"
q cancel.db "SELECT * FROM trials ORDER BY trial_id" > trials.before
q cancel.db "SELECT * FROM epochs ORDER BY trial_id, epoch" > epochs.before
expect_exit 0 "$sweep" merge --db cancel.db
expect_output "0 done and 0 failed merged, 24 already there"
q cancel.db "SELECT * FROM trials ORDER BY trial_id" | cmp -s - trials.before || fail "merging twice changed the trials"
q cancel.db "SELECT * FROM epochs ORDER BY trial_id, epoch" | cmp -s - epochs.before || fail "merging twice changed the epochs"
echo "e2e slurm: ok in $((SECONDS - started)) s after Slurm started"
