#!/usr/bin/env bash
# Gathers, on this Debian 12 machine, everything building and running sweep needs
# besides LibTorch and CUDA, for a bare device machine that has only those (and a
# compiler, CMake and Python): the headers, CMake files and libraries of OpenCV
# (core, imgproc, imgcodecs), oneTBB, SQLite3, zlib, nlohmann_json, CLI11 and
# GoogleTest, every shared library those load, the report's charting library and
# the built-in datasets. Writes KIT/root (the tree, a prefix for CMAKE_PREFIX_PATH)
# and KIT/sweep-kit.tar.xz (what travels; scripts/gpu-check.sh unpacks it into
# the checkout there, never into /), and prints the sizes.
#
# OpenCV's imgcodecs links GDAL and GDCM (geographic rasters, DICOM), which pull
# in about 100 more libraries (140 MiB). sweep never decodes either format, so
# the kit carries stubs in their place: libraries with the same names and the
# functions imgcodecs imports, each of which returns 0. imgcodecs calls
# GDALAllRegister() whenever it sets up its decoders (a no-op now); the rest run
# only for a GDAL read or a DICOM file, and then open nothing (a null pointer, or
# false), so such a file does not decode and is skipped like any broken image.
#
# Needs what scripts/deps.sh installs (the kit is taken from the installed
# packages) and npm's node_modules (npm ci).
# Usage: scripts/device-kit.sh [KIT]       (KIT defaults to .kit, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
kit=$(realpath -m "${1:-.kit}")
root=$kit/root
arch=$(gcc -print-multiarch)

# Development packages whose files (headers, CMake files, link symlinks, static
# GoogleTest) the build needs; documentation is left out.
dev_packages=(libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libtbb-dev
              libsqlite3-dev zlib1g-dev nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev)
# Libraries every machine that runs a compiler has, newer there than here.
system_libs='^(libc|libm|libpthread|libdl|librt|libresolv|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so'
stubbed='^(libgdal|libgdcm[A-Za-z]*)\.so'

for p in "${dev_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { echo "device-kit.sh: $p is not installed; run scripts/deps.sh first" >&2; exit 1; }
done
[ -f node_modules/vega/build/vega.min.js ] ||
  { echo "device-kit.sh: node_modules is missing; run npm ci first" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$root/usr/lib/$arch" "$root/data"

# 1. The development files, as the packages lay them out under /usr. OpenCV's own
# CMake package names all 30 modules and refuses a tree without them, so the kit
# writes a small one for its three (below).
for p in "${dev_packages[@]}"; do
  dpkg -L "$p" | while read -r f; do
    [ -f "$f" ] || [ -L "$f" ] || continue
    case $f in
      /usr/share/doc/* | /usr/share/man/* | /usr/src/* | */cmake/opencv4/* | */pkgconfig/*) continue ;;
      */libgtest*.a | */libgmock*.a) ;;
      *.a) continue ;;  # everything else is linked as shared libraries
    esac
    mkdir -p "$root$(dirname "$f")"
    cp -a "$f" "$root$f"
  done
done

# 2. The shared libraries, closed over their DT_NEEDED: the ones the link
# symlinks name, and all they load, but for the C and C++ runtimes.
lib_path() {
  for d in /usr/lib/$arch /lib/$arch; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return; }
  done
  echo "device-kit.sh: $1 is needed but not installed here" >&2
  exit 1
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
declare -A seen=()
todo=()
soname() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
for link in "$root/usr/lib/$arch"/*.so; do
  # The link points at the name the library is loaded by, which the kit holds.
  name=$(soname "$(readlink -f "/usr/lib/$arch/$(basename "$link")")")
  ln -sfn "$name" "$link"
  todo+=("$name")
done
stubs=()
while [ ${#todo[@]} -gt 0 ]; do
  name=${todo[0]}
  todo=("${todo[@]:1}")
  [ -z "${seen[$name]:-}" ] || continue
  seen[$name]=1
  [[ $name =~ $system_libs ]] && continue
  if [[ $name =~ $stubbed ]]; then stubs+=("$name"); continue; fi
  path=$(lib_path "$name")
  # The file under its own name (CMake packages name it so) and the name it is
  # loaded by, as the packages install them.
  real=$(readlink -f "$path")
  cp "$real" "$root/usr/lib/$arch/"
  [ "$(basename "$real")" = "$name" ] || ln -sfn "$(basename "$real")" "$root/usr/lib/$arch/$name"
  mapfile -t more < <(needed "$path")
  todo+=("${more[@]}")
done

# 3. The stubs: for each stubbed library, the functions the carried libraries
# import from the real one, each returning 0.
stub_dir=$(mktemp -d)
trap 'rm -rf "$stub_dir"' EXIT
for name in "${stubs[@]}"; do
  real=$(lib_path "$name")
  nm -D --defined-only "$real" | awk '$2 ~ /^[TWi]$/ {print $3}' | sed 's/@.*//' | sort -u > "$stub_dir/defined"
  for carried in "$root/usr/lib/$arch"/*.so.*; do
    [ -L "$carried" ] || nm -D --undefined-only "$carried" | awk '{print $2}' | sed 's/@.*//'
  done | sort -u | comm -12 - "$stub_dir/defined" > "$stub_dir/used"
  while read -r f; do echo "long $f(void) { return 0; }"; done < "$stub_dir/used" > "$stub_dir/stub.c"
  gcc -shared -fPIC -O1 -Wl,-soname,"$name" -o "$root/usr/lib/$arch/$name" "$stub_dir/stub.c"
  echo "device-kit.sh: $name is a stub (the $(wc -l < "$stub_dir/used") function(s) imported from it return 0)"
done

# 4. OpenCV's CMake package, for the three modules the kit carries.
opencv_version=$(sed -n 's/^#define CV_VERSION_STRING *"\(.*\)"/\1/p' /usr/include/opencv4/opencv2/core/version.hpp)
[ -n "$opencv_version" ] || opencv_version=$(pkg-config --modversion opencv4)
mkdir -p "$root/usr/lib/$arch/cmake/opencv4"
cat > "$root/usr/lib/$arch/cmake/opencv4/OpenCVConfig.cmake" <<EOF
# Written by scripts/device-kit.sh: the OpenCV modules sweep uses, from Debian 12.
get_filename_component(_kit_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
set(OpenCV_VERSION $opencv_version)
set(OpenCV_INCLUDE_DIRS "\${_kit_prefix}/include/opencv4")
set(OpenCV_LIBS "")
foreach(_module core imgproc imgcodecs)
  if(NOT TARGET opencv_\${_module})
    add_library(opencv_\${_module} SHARED IMPORTED)
    set_target_properties(opencv_\${_module} PROPERTIES
                          IMPORTED_LOCATION "\${_kit_prefix}/lib/$arch/libopencv_\${_module}.so"
                          INTERFACE_INCLUDE_DIRECTORIES "\${OpenCV_INCLUDE_DIRS}")
  endif()
  set(OpenCV_\${_module}_FOUND TRUE)
  list(APPEND OpenCV_LIBS opencv_\${_module})
endforeach()
foreach(_module \${OpenCV_FIND_COMPONENTS})
  if(NOT OpenCV_\${_module}_FOUND)
    set(OpenCV_FOUND FALSE)
    set(OpenCV_NOT_FOUND_MESSAGE "the device kit carries OpenCV core, imgproc and imgcodecs only, not \${_module}")
  endif()
endforeach()
EOF
cat > "$root/usr/lib/$arch/cmake/opencv4/OpenCVConfigVersion.cmake" <<EOF
set(PACKAGE_VERSION $opencv_version)
set(PACKAGE_VERSION_COMPATIBLE TRUE)
if(PACKAGE_FIND_VERSION AND PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
endif()
EOF

# 5. The charting library the HTML report inlines, and the built-in datasets
# (gpu-check.sh points the sweep files at them).
for m in vega vega-lite vega-embed; do
  mkdir -p "$root/node_modules/$m/build"
  cp "node_modules/$m/build/$m.min.js" "$root/node_modules/$m/build/"
done
mkdir -p "$root/data/fashion-mnist"
cp /usr/share/datasets/fashion-mnist/*-ubyte.gz "$root/data/fashion-mnist/"
digits=/usr/share/doc/opencv-doc/examples/data/digits.png
[ -s "$digits" ] || { echo "device-kit.sh: $digits is missing; run scripts/deps.sh" >&2; exit 1; }
cp "$digits" "$root/data/"

tar -C "$kit" -cf - root | xz -6 -T0 > "$kit/sweep-kit.tar.xz.part"
mv "$kit/sweep-kit.tar.xz.part" "$kit/sweep-kit.tar.xz"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
size_of() { du -sb "$@" | awk '{s += $1} END {print s + 0}'; }
echo "device-kit.sh: $kit/sweep-kit.tar.xz"
printf '  %-34s %s\n' "headers" "$(mib "$(size_of "$root/usr/include")")" \
  "shared libraries ($(find "$root/usr/lib/$arch" -maxdepth 1 -name '*.so.*' ! -type l | wc -l) files)" \
  "$(mib "$(find "$root/usr/lib/$arch" -maxdepth 1 -name '*.so.*' ! -type l -printf '%s\n' | awk '{s += $1} END {print s + 0}')")" \
  "GoogleTest (static)" "$(mib "$(find "$root/usr/lib/$arch" -name '*.a' -printf '%s\n' | awk '{s += $1} END {print s + 0}')")" \
  "charting library" "$(mib "$(size_of "$root/node_modules")")" \
  "datasets" "$(mib "$(size_of "$root/data")")" \
  "unpacked in all" "$(mib "$(size_of "$root")")" \
  "packed (what travels)" "$(mib "$(stat -c %s "$kit/sweep-kit.tar.xz")")"
echo "  the device takes 64 MiB a call, the checkout included ($(mib "$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)") tracked here)"
