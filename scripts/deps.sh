#!/usr/bin/env bash
# Installs what sweep needs and is missing: Debian 12 packages (through sudo
# unless already root), OpenCV's digits.png, and the charting library the HTML
# report inlines (npm ci, from package-lock.json).
# Usage: scripts/deps.sh [test]   ("test" adds what only the tests need)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config
  libtorch-dev libopencv-dev libtbb-dev libsqlite3-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev
  dataset-fashion-mnist opencv-doc
)
# Node.js for npm; machines that have it from elsewhere keep theirs.
command -v npm >/dev/null || packages+=(nodejs npm)
# The tests open the report in a headless browser, and export torchvision
# models to TorchScript with Debian's python3-torchvision.
[ "${1:-}" = "test" ] && packages+=(chromium python3-torchvision)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: not root and no sudo; install as root: ${packages[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  $sudo apt-get update -q
  $sudo apt-get install -y -q "${missing[@]}"
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
