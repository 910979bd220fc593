#!/usr/bin/env bash
# The device kit on a clean Debian 12: a minimal root (debootstrap's minbase) with
# only a compiler, CMake, Ninja and Debian's LibTorch, none of the packages the
# kit replaces; the checkout and the kit copied in; inside it (chroot)
# scripts/gpu-check.sh --dry-run --unit-tests configures against the kit alone,
# builds everything, and runs the unit and torch tests and the dry run. About 20
# minutes on 2 cores, so it has its own label (kit) and is not in the default run.
#
# Needs root, debootstrap and Debian's archive; skips (77) without them. The root
# is kept in $SWEEP_KIT_ROOT (default /var/tmp/sweep-kitroot) for the next run.
# Usage: kit_root.sh REPO
set -euo pipefail
repo=$(realpath "$1")
source "$(dirname "$0")/root_lib.sh"
root=${SWEEP_KIT_ROOT:-/var/tmp/sweep-kitroot}

if [ ! -x "$root/usr/bin/cmake" ] || [ ! -e "$root/usr/include/torch/csrc/api/include/torch/torch.h" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian > "$root.log" 2>&1 ||
    { tail -5 "$root.log"; echo "SKIP: debootstrap could not reach Debian's archive"; exit 77; }
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    g++ cmake ninja-build libtorch-dev >> "$root.log" 2>&1 || fail "apt-get in $root; see $root.log"
fi
for p in libopencv-core-dev libopencv-imgcodecs-dev libtbb-dev libsqlite3-dev nlohmann-json3-dev \
         libcli11-dev libgtest-dev dataset-fashion-mnist opencv-doc; do
  ! chroot "$root" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    fail "$root has $p installed: not a root the kit alone completes"
done

cd "$repo"
if [ ! -f .kit/sweep-kit.tar.xz ] || [ scripts/device-kit.sh -nt .kit/sweep-kit.tar.xz ]; then
  scripts/device-kit.sh
fi
src=$root/src/sweep
rm -rf "$root/src"
mkdir -p "$src/.kit"
git ls-files -z --cached --others --exclude-standard |
  tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$src" -xf -
cp .kit/sweep-kit.tar.xz "$src/.kit/"

mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; trap 'umount "$root/proc"' EXIT; }
chroot "$root" bash -c 'cd /src/sweep && OUT=/src/out scripts/gpu-check.sh --dry-run --unit-tests --budget 3000' ||
  fail "gpu-check.sh in the minimal root"

table=$root/src/out/gpu-check.md
grep -q "^| unit and torch tests | ok |" "$table" || fail "unit tests in the minimal root: $(grep unit "$table")"
[ "$(grep -c '^| study, .* | ok | 6/6 trials done' "$table")" -eq 3 ] || fail "study rows: $(grep study "$table")"
grep -q '^| sweep | cpu | all blocks | fp32 | [0-9]' "$table" || fail "no throughput rows"
ldd=$(tar -xzOf "$root/src/out/gpu-check-logs.tar.gz" ./ldd.txt)
for lib in libopencv_imgcodecs.so.406 libtbb.so.12 libsqlite3.so.0 libgdal.so.32; do
  grep -q "$lib => /src/sweep/.kit/" <<< "$ldd" ||
    fail "sweep did not load $lib from the kit: $(grep "$lib" <<< "$ldd")"
done
cat "$table"
echo "kit_root: the kit alone completed a minimal Debian root"
