#!/usr/bin/env bash
# Installs the Debian 12 packages sweep needs that are missing, and makes sure
# OpenCV's digits.png is there. Runs apt-get through sudo unless already root.
# With --tests, also Slurm and munge (without their recommends), which the
# Slurm end-to-end test starts as a single-node cluster of its own.
# Usage: scripts/deps.sh [--tests]
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libtorch-dev libopencv-dev libtbb-dev libsqlite3-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev
  dataset-fashion-mnist opencv-doc
)
test_packages=()
[ "${1:-}" = "--tests" ] && test_packages=(slurm-wlm munge)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: not root and no sudo; install as root: ${packages[*]}" >&2; exit 1; }
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
