#!/usr/bin/env bash
# A disk that really fills: the results database on a small tmpfs. `sweep run`
# stops with a message naming the database and what to do, the trials it
# recorded stay, the file stays whole; once there is room, running again
# finishes the sweep without running a recorded trial again. A database that
# cannot even be created is left empty, and `sweep status` says so. A cache
# folder on a disk too small for the frozen features the sweep will write: the
# run says how much and stops before writing anything; with room, it writes what
# it said it would.
# Exits 77 (CTest's skip) where tmpfs cannot be mounted (not root, a container).
# Usage: e2e_disk_full.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
source "$(dirname "$0")/e2e_lib.sh"
mkdir disk
mount -t tmpfs -o size=64k tmpfs disk 2>/dev/null || { echo "SKIP: cannot mount a tmpfs here"; exit 77; }
cleanup() { umount "$work/disk" "$work/cachedisk" 2>/dev/null || true; pkill -KILL -f "$work" 2>/dev/null || true; rm -rf "$work"; }

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

mkdir cachedisk
mount -t tmpfs -o size=1m tmpfs cachedisk
expect_exit 2 "$sweep" run "$sweeps/smoke.json" --db c.db --cache cachedisk/c
expect_output "the cache needs about "
expect_output " of frozen features (4 entries) in cachedisk/c, but its disk has 1.0 MB free; free some space"
[ ! -e c.db ] || fail "a run stopped for want of cache room wrote its database"
for kept in features images pretrained; do  # the memo of file digests is all it may keep
  [ ! -e "cachedisk/c/$kept" ] || fail "a run stopped for want of cache room wrote cachedisk/c/$kept"
done
mount -o remount,size=64m cachedisk
expect_exit 0 "$sweep" run "$sweeps/smoke.json" --db c.db --cache cachedisk/c
stated=$(sed -n 's/^cache cachedisk\/c: about \([0-9.]*\) MB of frozen features.*/\1/p' "$work/out")
[ -n "$stated" ] || { cat "$work/out"; fail "the run did not say what the cache would hold"; }
written=$(du -sb cachedisk/c/features | cut -f1)
awk -v s="$stated" -v w="$written" 'BEGIN { exit !(w <= s * 1.05e6 && w >= s * 0.8e6) }' ||
  fail "the run said about $stated MB of frozen features and wrote $written bytes"
echo "e2e disk full: $recorded of 6 trials recorded before the disk filled, the rest after;" \
  "the cache said $stated MB and wrote $written bytes"
