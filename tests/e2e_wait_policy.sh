#!/usr/bin/env bash
# A runner beside its workers under a user's OMP_WAIT_POLICY=ACTIVE: sweep leaves
# that setting alone (it is the user's), and the runner trains nothing, so it must
# not hold idle OpenMP threads that spin beside the workers' for the whole run. On
# LibTorch 2.6 it did (61% of a core in this sweep, pretraining 2.25x as long;
# bench/RESULTS.md).
# The runner's own CPU time, read from /proc while it runs, must stay a small part
# of its wall time.
# Usage: e2e_wait_policy.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"

start=$(date +%s%N)
OMP_WAIT_POLICY=ACTIVE "$sweep" run "$sweeps/smoke.json" > run.log 2>&1 &
runner=$!
ticks=0
wall_ns=0
# Fields 14 and 15 of /proc/PID/stat: the process's own user and system time, in
# clock ticks, without its children (the workers). Its name, field 2, has no space.
while t=$(awk '{ print $14 + $15 }' "/proc/$runner/stat" 2> /dev/null); do
  ticks=$t
  wall_ns=$(( $(date +%s%N) - start ))
  sleep 0.2
done
wait "$runner" || { cat run.log; fail "the smoke sweep failed under OMP_WAIT_POLICY=ACTIVE"; }
grep -qF "smoke: 6 trials finished, 0 failed" run.log || { cat run.log; fail "the smoke sweep did not finish its trials"; }
hz=$(getconf CLK_TCK)
# Percent of one core: the runner's CPU time over its wall time.
share=$(( ticks * 100 * 1000000000 / hz / (wall_ns > 0 ? wall_ns : 1) ))
echo "runner: $ticks ticks of CPU in $(( wall_ns / 1000000 )) ms of wall: ${share}% of a core"
[ "$share" -lt 30 ] || fail "the runner used ${share}% of a core while its workers trained (its own OpenMP threads spinning?)"
