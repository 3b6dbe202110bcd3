#!/usr/bin/env bash
# Brings a Debian 12 machine from nothing to a built deepseek: installs every system
# package the build, the tests and the examples need, configures build/ and builds it.
# Safe to run again: it installs only what is missing and rebuilds only what changed.
#
# Environment (all optional):
#   DEEPSEEK_BUILD_DIR  where to build (default: <repo>/build)
#   DEEPSEEK_CUDA       ON, OFF or AUTO (AUTO, the default for a new build dir, builds the
#                       CUDA backend when nvcc exists; unset, an existing build dir keeps its choice)
#   CCACHE_DIR          ccache's own default (~/.cache/ccache) is shared by every checkout
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${DEEPSEEK_BUILD_DIR:-$REPO/build}"
CUDA_CHOICE="${DEEPSEEK_CUDA:-}"
if [[ -z "$CUDA_CHOICE" && ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then CUDA_CHOICE=AUTO; fi
# Debian's interpreter on purpose: numpy, pytest and torch (the parity reference) are its
# packages, and another python3 earlier on PATH (pyenv, venv) would have none of them.
PYTHON=/usr/bin/python3

APT_PACKAGES=(
  build-essential cmake ninja-build ccache
  # libdnnl-dev's CMake config requires OpenCL, which Debian leaves to a Recommends.
  libdnnl-dev ocl-icd-opencl-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
  pybind11-dev libgtest-dev libbenchmark-dev
  python3-dev python3-numpy python3-pytest python3-torch python3-pip
  # Without it torch's matmul runs the reference BLAS, which makes parity tests crawl.
  libopenblas0-openmp
  # Fashion-MNIST for the main job (examples/python/fmnist_cnn.py) and the other examples.
  dataset-fashion-mnist
)

install_missing_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    echo "setup: all ${#APT_PACKAGES[@]} system packages are installed"
    return
  fi
  echo "setup: installing ${missing[*]}"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure() {
  local args=(
    -S "$REPO" -B "$BUILD_DIR" -G Ninja
    -DCMAKE_BUILD_TYPE=Release
    -DPython_EXECUTABLE="$PYTHON"
    -DDEEPSEEK_CUDA_ARCHITECTURES=90
  )
  if [[ -n "$CUDA_CHOICE" ]]; then args+=(-DDEEPSEEK_CUDA="$CUDA_CHOICE"); fi
  # nvcc lives in /usr/local/cuda/bin, which is often not on PATH (CI's shell, sudo).
  if [[ "$CUDA_CHOICE" =~ ^(AUTO|ON)$ && -x /usr/local/cuda/bin/nvcc ]] \
     && ! command -v nvcc >/dev/null; then
    args+=(-DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc)
  fi
  cmake "${args[@]}"
}

# The reference safetensors reader (PyPI only, no Debian package): the interop tests read
# our checkpoints with it and write files for us to read.
install_python_packages() {
  if "$PYTHON" -c "import safetensors" 2>/dev/null; then return; fi
  echo "setup: installing safetensors for $PYTHON from PyPI"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" "$PYTHON" -m pip install -q --break-system-packages safetensors
}

install_missing_packages
install_python_packages
configure
cmake --build "$BUILD_DIR"
