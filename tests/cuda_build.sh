#!/usr/bin/env bash
# The CUDA path compiled and linked, without a GPU: in a Debian 13 root with
# libtorch-cuda-dev 2.6 (contrib) and the CUDA 12 libraries and toolkit it needs
# (non-free), sweep and every test binary are configured with CUDA on and
# built with warnings as errors, so every file behind SWEEP_WITH_CUDA compiles;
# sweep must link libtorch_cuda and c10_cuda and use what that code calls. Then,
# on this machine without a GPU, the smoke sweep runs on the CPU and the unit
# tests pass. Label cuda-build, not in the default run; CI runs it (scripts/test.sh):
# from nothing, 622 s on 2 cores on 2026-12-07.
#
# cuDNN: libtorch-cuda-2.6 depends on nvidia-cudnn, an installer that downloads
# cuDNN from NVIDIA at install time, which machines with only Debian's archive
# cannot do. This test installs in its place an empty package of that name
# (dpkg-deb) and, because libtorch_cuda.so needs libcudnn.so.9 (DT_NEEDED) and
# GNU ld resolves a shared library's needed libraries when it links an
# executable, a stub libcudnn.so.9: every cudnn* symbol libtorch_cuda.so takes
# from it, at its version node, each a function that says it is the stub and
# aborts. The stub lives in /opt/cudnn-stub, apart from the system's libraries;
# the build finds it through -rpath-link and sweep at run time through
# LD_LIBRARY_PATH, both set here only. The test first shows that the link fails
# without it. What this proves: our CUDA code compiles against LibTorch 2.6's and
# CUDA 12's headers and sweep links against libtorch_cuda with every symbol
# resolved. What it does not: that anything runs on a GPU, or that cuDNN's real
# library matches (a GPU machine brings its own; tests/e2e_gpu.sh and
# scripts/gpu-check.sh are the run checks).
#
# The root is kept in $SWEEP_CUDA_ROOT (default /var/tmp/sweep-trixiecuda) with
# its packages, a ccache and the build folder; a fresh machine lacks it and
# builds it (about 3 GB of packages). Needs root, debootstrap and Debian's archive; skips (77) without.
# Usage: cuda_build.sh REPO
set -euo pipefail
repo=$(realpath "$1")
start=$SECONDS
source "$(dirname "$0")/root_lib.sh"
root=${SWEEP_CUDA_ROOT:-/var/tmp/sweep-trixiecuda}
in_root() { chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
stub=/opt/cudnn-stub

# An empty nvidia-cudnn: satisfies libtorch-cuda-2.6 and installs nothing.
fake_cudnn_package() {
  local d=$root/tmp/nvidia-cudnn
  rm -rf "$d" && mkdir -p "$d/DEBIAN"
  cat > "$d/DEBIAN/control" << 'EOF'
Package: nvidia-cudnn
Version: 9.0.0.312~cuda12+sweep.stub
Architecture: amd64
Maintainer: sweep tests <sweep@localhost>
Section: contrib/libs
Priority: optional
Description: stand-in for Debian's cuDNN downloader (sweep's CUDA build test)
 Debian's nvidia-cudnn downloads cuDNN from NVIDIA at install time. This
 stand-in satisfies libtorch-cuda-2.6's dependency and installs nothing;
 tests/cuda_build.sh links against a stub libcudnn.so.9 instead.
EOF
  dpkg-deb --build --root-owner-group "$d" "$root/tmp/nvidia-cudnn-stub.deb" > /dev/null
  in_root dpkg -i /tmp/nvidia-cudnn-stub.deb
}

# The stub libcudnn.so.9, made from what libtorch_cuda.so takes from libcudnn.so.9.
stub_cudnn() {
  local lib=$root/usr/lib/x86_64-linux-gnu/libtorch_cuda.so
  mkdir -p "$root$stub"
  local names
  names=$(nm -D --undefined-only "$lib" | awk '{print $2}' | sed -n 's/@libcudnn\.so\.9$//p' | sort -u)
  [ -n "$names" ] || fail "libtorch_cuda.so takes nothing from libcudnn.so.9; look again at the stub"
  {
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo 'static void stub(const char* name) {'
    echo '  fprintf(stderr, "%s: sweep'"'"'s link-only stub of cuDNN, not cuDNN\n", name);'
    echo '  abort();'
    echo '}'
    for n in $names; do echo "void $n(void) { stub(\"$n\"); }"; done
  } > "$root$stub/cudnn_stub.c"
  { echo 'libcudnn.so.9 { global:'; for n in $names; do echo "  $n;"; done; echo 'local: *; };'; } > "$root$stub/cudnn_stub.map"
  in_root gcc -shared -fPIC -o "$stub/libcudnn.so.9" -Wl,-soname,libcudnn.so.9 \
    -Wl,--version-script,"$stub/cudnn_stub.map" "$stub/cudnn_stub.c"
  echo "cuda_build: stub libcudnn.so.9 with $(wc -w <<< "$names") functions in $stub"
}

if [ ! -e "$root$stub/libcudnn.so.9" ] || [ ! -x "$root/usr/bin/nvcc" ]; then
  rm -rf "$root"
  t=$SECONDS
  debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian > "$root.log" 2>&1 ||
    { tail -5 "$root.log"; rm -rf "$root"; echo "SKIP: debootstrap could not reach Debian's archive"; exit 77; }
  echo "deb http://deb.debian.org/debian trixie main contrib non-free" > "$root/etc/apt/sources.list"
  echo "cuda_build: debootstrap in $((SECONDS - t)) s"
  t=$SECONDS
  in_root apt-get update -q >> "$root.log" 2>&1
  fake_cudnn_package >> "$root.log" 2>&1
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    libtorch-cuda-dev nvidia-cuda-toolkit g++ cmake ninja-build pkgconf ccache \
    libopencv-dev libtbb-dev libsqlite3-dev zlib1g-dev nlohmann-json3-dev libcli11-dev libgtest-dev \
    dataset-fashion-mnist opencv-doc >> "$root.log" 2>&1 || fail "apt-get in $root; see $root.log"
  echo "cuda_build: packages in $((SECONDS - t)) s"
  stub_cudnn
fi
in_root dpkg-query -W -f='${Version}\n' nvidia-cudnn | grep -q 'sweep\.stub' ||
  fail "$root has an nvidia-cudnn that is not the stand-in"

mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; trap 'umount "$root/proc"' EXIT; }
# The checkout replaces the last one; the build folder stays, so a run after
# the first compiles only what changed (tar keeps the files' times).
src=$root/src/sweep
mkdir -p "$src"
find "$src" -mindepth 1 -maxdepth 1 ! -name build-cuda -exec rm -rf {} +
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  (cd "$repo" && tar --null -T - --ignore-failed-read -cf - 2> /dev/null) | tar -C "$src" -xf -

# Without the stub, linking against libtorch_cuda fails: what the stub is for.
printf 'int main() { return 0; }\n' > "$root/tmp/nothing.cpp"
if in_root g++ -o /tmp/nothing /tmp/nothing.cpp -Wl,--no-as-needed -ltorch_cuda -lc10_cuda \
  > "$root/tmp/nothing.log" 2>&1; then
  fail "a program linked against libtorch_cuda without libcudnn.so.9; the stub may be unneeded"
fi
grep -q "libcudnn.so.9" "$root/tmp/nothing.log" || { cat "$root/tmp/nothing.log"; fail "the link without the stub failed for another reason"; }
echo "cuda_build: without the stub the link fails: $(grep -m1 -o 'undefined reference to `cudnn[A-Za-z]*' "$root/tmp/nothing.log")'"

# LD_LIBRARY_PATH: GoogleTest's discovery runs the test binaries at build time.
t=$SECONDS
in_root env LD_LIBRARY_PATH=$stub CCACHE_SLOPPINESS=pch_defines,time_macros bash -c "cd /src/sweep && cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSWEEP_WERROR=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,$stub && cmake --build build-cuda -j $(nproc)" \
  > "$root.build.log" 2>&1 || { tail -60 "$root.build.log"; fail "the CUDA build; see $root.build.log"; }
build_s=$((SECONDS - t))
configured=$(grep -m1 '^-- sweep: LibTorch' "$root.build.log" || true)
grep -q 'CUDA support: ON' <<< "$configured" || fail "configured without CUDA: $configured"
bin=$src/build-cuda
for f in experiments/train/device.cpp experiments/train/precision.cpp; do
  grep -A3 "\"file\": \"[^\"]*$f\"" "$bin/compile_commands.json" > /dev/null || fail "$f is not in the build"
  grep "\"command\".*-DSWEEP_WITH_CUDA.*$f\"" "$bin/compile_commands.json" > /dev/null ||
    grep -B3 "\"file\": \"[^\"]*$f\"" "$bin/compile_commands.json" | grep -q -- -DSWEEP_WITH_CUDA ||
    fail "$f was compiled without SWEEP_WITH_CUDA"
done
needed=$(readelf -d "$bin/runner/sweep" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
for lib in libtorch_cuda.so libc10_cuda.so; do
  grep -q "^$lib" <<< "$needed" || fail "sweep does not link $lib: $(tr '\n' ' ' <<< "$needed")"
done
# What the guarded code calls (LibTorch 2.6's allocator functions are inline, so
# its pointer comes into sweep by a copy relocation: any symbol type counts).
symbols=$(nm -D "$bin/runner/sweep")
for sym in _ZN3c104cuda20CUDACachingAllocator _ZN3c104cuda10set_device cudaGetDeviceProperties \
           cudaRuntimeGetVersion; do
  grep -q "$sym" <<< "$symbols" || fail "sweep has no $sym: the code behind SWEEP_WITH_CUDA is not in it"
done
for t in sweep_unit_tests sweep_data_tests sweep_scheduler_tests sweep_cluster_tests sweep_torch_tests; do
  [ -x "$bin/tests/$t" ] || fail "test binary $t was not built"
done
readelf -d "$bin/tests/sweep_torch_tests" | grep -q 'libtorch_cuda\.so' ||
  fail "sweep_torch_tests does not link libtorch_cuda"

# No GPU here: the CUDA build runs on the CPU and says so.
run() { in_root env LD_LIBRARY_PATH=$stub SWEEP_CACHE=/tmp/sweep-cache bash -c "cd /tmp/smoke && $*"; }
rm -rf "$root/tmp/smoke" && mkdir -p "$root/tmp/smoke"
if gpus=$(run /src/sweep/build-cuda/runner/sweep run --dry-run --devices cuda:0 /src/sweep/sweeps/smoke.json 2>&1); then
  echo "cuda_build: a GPU is visible; this test checks the build only (tests/e2e_gpu.sh runs on it)"
elif grep -q "has 0 visible CUDA device" <<< "$gpus"; then
  echo "cuda_build: no GPU found ($(tail -1 <<< "$gpus")); the smoke sweep runs on the CPU"
  run /src/sweep/build-cuda/runner/sweep run /src/sweep/sweeps/smoke.json > "$root.smoke.log" 2>&1 ||
    { tail -20 "$root.smoke.log"; fail "the smoke sweep on the CPU with the CUDA build"; }
  devices=$(run /src/sweep/build-cuda/runner/sweep query --format csv "'SELECT DISTINCT device FROM results'" | tail -n +2 | tr -d '\r')
  [ "$devices" = "cpu" ] || fail "the smoke sweep ran on: $devices"
  echo "cuda_build: smoke sweep: $(grep -c '^done ' "$root.smoke.log") trials done on the CPU"
else
  fail "sweep run --dry-run --devices cuda:0 with the CUDA build: $gpus"
fi
in_root env LD_LIBRARY_PATH=$stub ctest --test-dir /src/sweep/build-cuda -L unit -j "$(nproc)" > "$root.unit.log" 2>&1 ||
  { tail -20 "$root.unit.log"; fail "unit tests of the CUDA build"; }

torch=$(sed -n 's/^-- sweep: LibTorch \([^,]*\),.*/\1/p' <<< "$configured")
cuda=$(in_root dpkg-query -W -f='${Version}' nvidia-cuda-dev)
echo "cuda_build: Debian $(cat "$root/etc/debian_version"), LibTorch $torch ($(in_root dpkg-query -W -f='${Version}' libtorch-cuda-dev)), CUDA $cuda (toolkit and libraries), cuDNN: link-only stub"
echo "cuda_build: $configured"
echo "cuda_build: $(grep 'tests passed' "$root.unit.log")"
echo "cuda_build: build in ${build_s} s; sweep links $(grep -E '^lib(torch_cuda|c10_cuda|cudart|cudnn)' <<< "$needed" | tr '\n' ' ')"
echo "cuda_build: passed in $((SECONDS - start)) s"
