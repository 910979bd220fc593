# What the tests that build a Debian root with debootstrap and chroot into it
# share (kit_root.sh, trixie_root.sh, cuda_build.sh): fail(), and the skip
# (exit 77, CTest's skip code) where they cannot run: not root, or no debootstrap.
# Sourced, after `set -euo pipefail`.
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
command -v debootstrap > /dev/null || { echo "SKIP: debootstrap is not installed"; exit 77; }
