#!/usr/bin/env bash
# The README's two commands on a fresh Debian 13 (trixie): LibTorch 2.6, OpenCV
# 4.10, oneTBB 2022. A minimal root (debootstrap's minbase, Debian's archive
# only) is copied afresh for every run, the checkout copied in, and inside it
# (chroot) the test command runs with warnings as errors (SWEEP_WERROR=ON, as
# CI builds), then the first command (the default study to its report, on the
# build the tests made). Both install what they need themselves through
# scripts/deps.sh, so the run checks its trixie package names too. CI's other
# checks (clang-format, the sanitizer build, clang-tidy) are Debian 12's: the
# tree is formatted by clang-format 14, and trixie's 19 lays out a few
# constructs differently. 21 minutes on 2 cores with the caches below warm
# (1,256 s on 2026-12-07), longer the first time: label trixie, not in the
# default run. CI runs it with --test-command-only (scripts/test.sh): from
# nothing, 1,054 s on 2 cores on 2026-12-07.
#
# Kept between runs, under paths a fresh machine simply lacks (then they are
# made): the pristine root in $SWEEP_TRIXIE_ROOT (default
# /var/tmp/sweep-trixieroot), and next to it (.cache/) the downloaded .debs,
# npm's cache and a ccache, so a second run downloads nothing and compiles only
# what changed; the root each run uses is $SWEEP_TRIXIE_ROOT.run, made anew.
# Needs root, debootstrap and Debian's archive; skips (77) without them.
#
# --test-command-only: only the README's test command, as CI runs this check
# (scripts/test.sh with CI set): the default study is the slow label's on
# Debian 12 too.
# Usage: trixie_root.sh REPO [--test-command-only]
set -euo pipefail
repo=$(realpath "$1")
study=true
[ "${2:-}" != --test-command-only ] || study=false
start=$SECONDS
source "$(dirname "$0")/root_lib.sh"
base=${SWEEP_TRIXIE_ROOT:-/var/tmp/sweep-trixieroot}
cache=$base.cache
root=$base.run

if [ ! -x "$base/usr/bin/apt-get" ] || ! grep -q '^13\.' "$base/etc/debian_version" 2>/dev/null; then
  rm -rf "$base"
  t=$SECONDS
  debootstrap --variant=minbase trixie "$base" http://deb.debian.org/debian > "$base.log" 2>&1 ||
    { tail -5 "$base.log"; rm -rf "$base"; echo "SKIP: debootstrap could not reach Debian's archive"; exit 77; }
  echo "trixie_root: debootstrap in $((SECONDS - t)) s"
fi

# umount -R undoes the bind mounts too, in order; then the run's root goes.
cleanup() {
  for m in proc sys dev/pts; do umount "$root/$m" 2> /dev/null || true; done
  for m in var/cache/apt/archives root/.npm root/.ccache; do umount "$root/$m" 2> /dev/null || true; done
}
trap cleanup EXIT
cleanup
for m in proc sys dev/pts var/cache/apt/archives root/.npm root/.ccache; do
  ! mountpoint -q "$root/$m" || fail "$root/$m is still mounted; not removing $root"
done
rm -rf "$root"
cp -a "$base" "$root"
mkdir -p "$cache/apt" "$cache/npm" "$cache/ccache" "$root/root/.npm" "$root/root/.ccache"
mount --bind "$cache/apt" "$root/var/cache/apt/archives"
mount --bind "$cache/npm" "$root/root/.npm"
mount --bind "$cache/ccache" "$root/root/.ccache"
mount -t proc proc "$root/proc"
mount -t sysfs -o ro sysfs "$root/sys"
mount -t devpts -o newinstance devpts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's own trust goes in too: CAs added here (a TLS-inspecting
# proxy's, say) for npm, which reaches its registry over HTTPS.
node_ca=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" > /dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  node_ca=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
fi

# The checkout as CI has it: a git repository (test.sh asks git which files are
# tracked) holding the working tree's files, committed or not.
src=$root/src/sweep
mkdir -p "$src"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  (cd "$repo" && tar --null -T - --ignore-failed-read -cf - 2> /dev/null) | tar -C "$src" -xf -

in_root() { chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "${node_ca[@]}" "$@"; }
# What a CI machine has before the README's commands: git (it holds a clone).
# ccache only keeps the compiler's output between runs of this test: found by
# CMake through CMAKE_CXX_COMPILER_LAUNCHER, it changes no command.
t=$SECONDS
in_root bash -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends git ccache ca-certificates' \
  > "$root.log" 2>&1 || fail "apt-get in $root; see $root.log"
in_root bash -c 'cd /src/sweep && git init -q && git add -A &&
  git -c user.name=sweep -c user.email=sweep@localhost commit -q -m checkout' >> "$root.log" 2>&1 ||
  fail "git in $root; see $root.log"
echo "trixie_root: fresh root with git in $((SECONDS - t)) s"

run_in_root() {  # LABEL COMMAND...
  local label=$1 t=$SECONDS
  shift
  in_root bash -c "cd /src/sweep && CMAKE_CXX_COMPILER_LAUNCHER=ccache $*" > "$root.$label.log" 2>&1 ||
    { tail -40 "$root.$label.log"; fail "$* in the trixie root; see $root.$label.log"; }
  echo "trixie_root: $label in $((SECONDS - t)) s"
}
run_in_root test "SWEEP_WERROR=ON ./scripts/test.sh"
! $study || run_in_root study "./scripts/study.sh"

log=$root.test.log
grep -q "SWEEP_WERROR:BOOL=ON" "$src/build/CMakeCache.txt" || fail "the build in the root did not treat warnings as errors"
grep -q "100% tests passed" "$log" || fail "the tests: $(grep 'tests passed' "$log")"
! $study || grep -q "^HTML report:" "$root.study.log" || fail "the study printed no report"
torch=$(sed -n 's/^-- sweep: LibTorch \([^,]*\),.*/\1/p' "$log" | head -1)
case "$torch" in 2.6*) ;; *) fail "LibTorch in the root is \"$torch\", expected 2.6" ;; esac
versions=$(in_root dpkg-query -W -f='${Package} ${Version}\n' libtorch-dev libopencv-core-dev libtbb-dev g++)
echo "trixie_root: Debian $(cat "$root/etc/debian_version"), LibTorch $torch, CUDA: none (Debian's CPU LibTorch)"
echo "$versions" | sed 's/^/trixie_root:   /'
grep -E "tests passed|Total Test time" "$log" | sed 's/^/trixie_root: /'
if $study; then
  sed -n '/^HTML report:/,$p' "$root.study.log" | sed 's/^/trixie_root: /'
  echo "trixie_root: both README commands passed on Debian 13 in $((SECONDS - start)) s"
else
  echo "trixie_root: the README's test command passed on Debian 13 in $((SECONDS - start)) s"
fi
