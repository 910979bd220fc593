#!/usr/bin/env bash
# A disk that really fills: the results database on a small tmpfs. `sweep run`
# stops with a message naming the database and what to do, the trials it
# recorded stay, the file stays whole; once there is room, running again
# finishes the sweep without running a recorded trial again. A database that
# cannot even be created is left empty, and `sweep status` says so.
# Exits 77 (CTest's skip) where tmpfs cannot be mounted (not root, a container).
# Usage: e2e_disk_full.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"
mkdir disk
mount -t tmpfs -o size=64k tmpfs disk 2>/dev/null || { echo "SKIP: cannot mount a tmpfs here"; exit 77; }
cleanup() { umount "$work/disk" 2>/dev/null || true; pkill -KILL -f "$work" 2>/dev/null || true; rm -rf "$work"; }

full="the disk is full: free space, then run again; what was recorded is kept"
expect_exit 1 "$sweep" run "$sweeps/smoke.json" --db disk/s.db
expect_output "disk/s.db: database or disk is full ($full)"
expect_exit 2 "$sweep" status --db disk/s.db
expect_output "disk/s.db: holds no results yet (an empty database)"

mount -o remount,size=280k disk  # room for the schema and a trial or two, not six
expect_exit 1 "$sweep" run "$sweeps/smoke.json" --db disk/s.db
expect_output "disk/s.db: database or disk is full ($full)"
cp "$work/out" first.log
recorded=$(q disk/s.db "SELECT count(*) FROM results WHERE state = 'done'")
[ "$(q disk/s.db "PRAGMA integrity_check")" = ok ] || fail "the database is damaged"
[ "$recorded" -lt 6 ] || fail "the disk never filled: every trial was recorded"
expect_exit 0 "$sweep" status --db disk/s.db
expect_output "its runner is gone, so it runs again with the next \`sweep run\`"

mount -o remount,size=8m disk
expect_exit 0 "$sweep" run "$sweeps/smoke.json" --db disk/s.db
[ "$(q disk/s.db "SELECT count(*) FROM results WHERE state = 'done'")" = 6 ] || fail "the sweep did not finish"
ran=$(grep -c '^done ' "$work/out" || true)
[ "$ran" = $((6 - recorded)) ] || fail "$recorded trials were recorded, yet the second run finished $ran"
echo "e2e disk full: $recorded of 6 trials recorded before the disk filled, the rest after"
