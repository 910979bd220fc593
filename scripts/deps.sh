#!/usr/bin/env bash
# Installs what sweep needs and is missing: Debian 12 (bookworm) or Debian 13
# (trixie) packages (through sudo unless already root), OpenCV's digits.png, and
# the charting library the HTML report inlines (npm ci, from package-lock.json).
# With --tests, also what only the tests need, without recommends: Chromium (the
# report is rendered in it), python3-torchvision (models are exported to
# TorchScript with it), Slurm and munge (a single-node cluster of the tests' own).
# With --ci, the same and clang-tidy, clang-format and debootstrap (the Debian 13
# roots), which CI runs (test.sh).
# Usage: scripts/deps.sh [--tests | --ci]
set -euo pipefail
cd "$(dirname "$0")/.."

# Both releases name every package the same (checked with apt-cache policy on
# each: bookworm has LibTorch 1.13, OpenCV 4.6, oneTBB 2021.8; trixie LibTorch
# 2.6, OpenCV 4.10, oneTBB 2022.1). pkgconf is named, not pkg-config, which is
# a transitional package for it on both. Other releases are tried with a warning.
release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
case "$release" in
  bookworm | trixie) ;;
  *) echo "deps.sh: Debian release \"$release\" is not one sweep was checked on (bookworm, trixie); trying the same package names" >&2 ;;
esac
packages=(
  g++ cmake ninja-build pkgconf
  libtorch-dev libopencv-dev libtbb-dev libsqlite3-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev
  dataset-fashion-mnist opencv-doc
)
# Node.js for npm; machines that have it from elsewhere keep theirs.
command -v npm >/dev/null || packages+=(nodejs npm)
test_packages=()
case "${1:-}" in
  --tests) test_packages=(chromium python3-torchvision slurm-wlm munge) ;;
  --ci) test_packages=(chromium python3-torchvision slurm-wlm munge clang-tidy clang-format debootstrap) ;;
esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: not root and no sudo; install as root: ${packages[*]} ${test_packages[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# The packages of "$@" that are not installed.
missing_of() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
mapfile -t missing < <(missing_of "${packages[@]}")
mapfile -t missing_tests < <(missing_of "${test_packages[@]}")
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_tests[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]} ${missing_tests[*]}"
  $sudo apt-get update -q
  [ ${#missing[@]} -eq 0 ] || $sudo apt-get install -y -q "${missing[@]}"
  [ ${#missing_tests[@]} -eq 0 ] || $sudo apt-get install -y -q --no-install-recommends "${missing_tests[@]}"
fi

# Minimal images tell dpkg to skip /usr/share/doc (a path-exclude line under
# /etc/dpkg/dpkg.cfg.d/), which drops the digits sheet that opencv-doc ships.
# Take that one file out of the package itself.
digits=/usr/share/doc/opencv-doc/examples/data/digits.png
if [ ! -s "$digits" ]; then
  echo "deps.sh: $digits is missing (dpkg excludes /usr/share/doc here); extracting it from opencv-doc"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -q opencv-doc)
  dpkg-deb --fsys-tarfile "$tmp"/opencv-doc_*.deb |
    $sudo tar -x -C / ".$digits"
  [ -s "$digits" ] || { echo "deps.sh: could not restore $digits" >&2; exit 1; }
fi

# The charting library, once per change of package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps.sh: installing the report's charting library (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
