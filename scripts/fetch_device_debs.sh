#!/usr/bin/env bash
# Downloads (does not install) the Debian packages that the borrowed GPU machine lacks,
# into .device-debs/ (git-ignored), for scripts/gpu_check.sh to unpack there with dpkg -x.
# That machine has nvcc, CMake, ninja, Python with pybind11 and PyTorch, but no network,
# no apt and none of these libraries. Run here, on the Debian 12 development machine.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$REPO/.device-debs"

# Headers + CMake packages (-dev) and the shared libraries they point at (runtime).
PACKAGES=(
  libdnnl-dev libdnnl2
  # libdnnl-dev's CMake config does find_package(OpenCL REQUIRED).
  ocl-icd-opencl-dev ocl-icd-libopencl1 opencl-c-headers opencl-clhpp-headers
  libspdlog-dev libspdlog1.10
  libfmt-dev libfmt9
  nlohmann-json3-dev
  libgtest-dev
  # src/data reads gzip'd IDX files; the device image may lack the zlib headers.
  zlib1g-dev
)

mkdir -p "$DEST"
rm -f "$DEST"/*.deb
if ! (cd "$DEST" && apt-get download "${PACKAGES[@]}"); then
  echo "fetch_device_debs: apt-get download failed; refreshing the package lists once" >&2
  apt-get update -q
  (cd "$DEST" && apt-get download "${PACKAGES[@]}")
fi
echo "fetch_device_debs: $(find "$DEST" -name "*.deb" | wc -l) packages, $(du -sh "$DEST" | cut -f1) in $DEST"
