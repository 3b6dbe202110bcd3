#!/usr/bin/env bash
# shellcheck disable=SC2317  # (the functions below run through step(), unseen by shellcheck)
# The CUDA check for a borrowed GPU machine (an H100/H200 lent through the device tool), in
# one call: unpack the libraries it lacks, configure with the CUDA backend ON, build on all
# cores, run the CUDA tests (ctest and pytest), and leave the logs in $OUT.
#
# That machine has nvcc, CMake, ninja, Python with pybind11 and PyTorch, but no network,
# no apt, and no oneDNN/spdlog/fmt/nlohmann-json/GoogleTest. So, first, here:
#     bash scripts/fetch_device_debs.sh          # fills .device-debs/ (git-ignored)
# then through the device tool, carrying that folder:
#     run(command="bash scripts/gpu_check.sh", carry=[".device-debs"], timeout_s=540)
# Logs come back as $OUT/{summary,env,build,ctest,pytest,bench,ctest_all,pytest_all}.log: at
# most 8 files come back, so the unpack and configure logs stay in /tmp (a failing step's
# last lines are copied into summary.log anyway).
#
# GPU_CHECK_DRY_RUN=1 stops after configuring: that part can be tried on any machine
# (without a GPU), with everything under /tmp unless OUT, DEVICE_PREFIX or
# DEEPSEEK_BUILD_DIR say otherwise.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-/tmp/gpu_check_out}"
PREFIX="${DEVICE_PREFIX:-/tmp/deepseek-device-deps}"
BUILD_DIR="${DEEPSEEK_BUILD_DIR:-$REPO/build-device}"
DEBS="$REPO/.device-debs"
DRY_RUN="${GPU_CHECK_DRY_RUN:-0}"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.log"
: >"$SUMMARY"
failures=0

note() { echo "gpu_check: $*" | tee -a "$SUMMARY"; }
# step NAME LOG COMMAND...: runs COMMAND with its output in $OUT/LOG, records pass/fail.
step() {
  local name="$1" log="$2" start=$SECONDS
  [[ "$log" == /* ]] || log="$OUT/$log"
  shift 2
  if "$@" >"$log" 2>&1; then
    note "PASS $name ($((SECONDS - start)) s)"
  else
    note "FAIL $name ($((SECONDS - start)) s, exit $?), last lines of $(basename "$log"):"
    tail -n 25 "$log" | sed 's/^/    /' | tee -a "$SUMMARY"
    failures=$((failures + 1))
    return 1
  fi
}

find_nvcc() {
  if command -v nvcc >/dev/null; then command -v nvcc; return; fi
  local candidate
  for candidate in /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc; do
    if [[ -x "$candidate" ]]; then echo "$candidate"; return; fi
  done
}

describe_machine() {
  echo "== host"; uname -a; nproc; free -g
  echo "== cpu"; lscpu | grep -E "Model name|^CPU\(s\)|Flags" | sed -E 's/Flags:.*/flags: (relevant) /'
  grep -o -w -E "avx512f|avx512_bf16|amx_bf16|amx_tile" /proc/cpuinfo | sort -u | tr '\n' ' '; echo
  echo "== gpu"; nvidia-smi || echo "nvidia-smi: not available"
  echo "== tools"
  echo "nvcc: $NVCC"; "$NVCC" --version
  cmake --version | head -1; ninja --version; c++ --version | head -1
  "$PYTHON" --version
  "$PYTHON" -c "import torch; print('torch', torch.__version__)" || true
}

# dpkg -x where dpkg exists; otherwise the .deb's data member unpacked with ar + tar.
unpack_debs() {
  local deb data
  ls "$DEBS"/*.deb >/dev/null || return 1
  rm -rf "$PREFIX" && mkdir -p "$PREFIX"
  for deb in "$DEBS"/*.deb; do
    echo "unpacking $(basename "$deb")"
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$PREFIX" || return 1
    else
      data="$(ar t "$deb" | grep '^data\.tar')" || return 1
      (cd "$PREFIX" && ar x "$deb" "$data" && tar -xf "$data" && rm -f "$data") || return 1
    fi
  done
}

configure() {
  local args=(
    -S "$REPO" -B "$BUILD_DIR" -G Ninja
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH="$PREFIX/usr"
    -DDEEPSEEK_CUDA=ON -DDEEPSEEK_CUDA_ARCHITECTURES=90
    -DCMAKE_CUDA_COMPILER="$NVCC"
    -DDEEPSEEK_BUILD_BENCHMARKS=OFF
    -DDEEPSEEK_BUILD_EXAMPLES=OFF
    -DPython_EXECUTABLE="$PYTHON"
    # A newer CMake (4.x) refuses packages that still declare pre-3.5 policies.
    -DCMAKE_POLICY_VERSION_MINIMUM=3.5
  )
  local pybind11_dir
  if pybind11_dir="$("$PYTHON" -m pybind11 --cmakedir 2>/dev/null)"; then
    args+=(-Dpybind11_DIR="$pybind11_dir")
  fi
  if [[ "$BUILD_PYTHON" == OFF ]]; then args+=(-DDEEPSEEK_BUILD_PYTHON=OFF); fi
  echo "cmake ${args[*]}"
  cmake "${args[@]}"
}

PYTHON="${PYTHON:-$(command -v python3)}"
NVCC="$(find_nvcc)"
if [[ -z "$NVCC" ]]; then
  note "FAIL no nvcc on PATH or in /usr/local/cuda*/bin"
  exit 1
fi
# The Python module needs Python.h; without it build and test the C++ side alone.
BUILD_PYTHON=ON
py_include="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
if [[ ! -f "$py_include/Python.h" ]]; then
  BUILD_PYTHON=OFF
  note "no Python.h in $py_include: deepseek._C is not built and pytest is skipped"
fi

step "describe machine" env.log describe_machine
step "unpack .device-debs into $PREFIX" /tmp/gpu_check_unpack.log unpack_debs || exit 1
step "configure (CUDA ON)" /tmp/gpu_check_configure.log configure || exit 1
if [[ "$DRY_RUN" == 1 ]]; then
  note "dry run: stopping after configure (build dir $BUILD_DIR)"
  exit "$failures"
fi

# libdnnl, libfmt, libspdlog and libOpenCL live only in the prefix.
export LD_LIBRARY_PATH="$PREFIX/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
step "build on $(nproc) cores" build.log cmake --build "$BUILD_DIR" -j "$(nproc)" || exit 1
step "ctest -R cuda" ctest.log \
  ctest --test-dir "$BUILD_DIR" -R '[Cc][Uu][Dd][Aa]' --output-on-failure -j 4
if [[ "$BUILD_PYTHON" == ON && -f "$REPO/tests/python/test_cuda.py" ]]; then
  step "pytest tests/python/test_cuda.py" pytest.log \
    env PYTHONPATH="$BUILD_DIR/python" "$PYTHON" -m pytest "$REPO/tests/python/test_cuda.py" \
    -q -rs -p no:cacheprovider
elif [[ "$BUILD_PYTHON" == ON ]]; then
  note "no tests/python/test_cuda.py yet: pytest skipped"
fi
if [[ "$BUILD_PYTHON" == ON ]]; then
  step "GPU benchmark beside PyTorch" bench.log \
    env PYTHONPATH="$BUILD_DIR/python" timeout 240 "$PYTHON" "$REPO/benchmarks/gpu_bench.py"
  grep -E "^(GPU|case|matmul|add|8-element)" "$OUT/bench.log" | tee -a "$SUMMARY"
fi
# The rest of the suite on this machine's CPU too (another CPU model than the build
# machines': AMX, more cores), if time allows. GPU_CHECK_FULL=0 leaves it out; =python
# runs the Python suite alone (about 40 s; all of ctest takes about 100 s more).
FULL="${GPU_CHECK_FULL:-1}"
if [[ "$FULL" == 1 ]]; then
  step "ctest, everything" ctest_all.log \
    timeout 240 ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
fi
if [[ "$FULL" == 1 || "$FULL" == python ]]; then
  if [[ "$BUILD_PYTHON" == ON ]]; then
    xdist=()
    if "$PYTHON" -c "import xdist" 2>/dev/null; then xdist=(-n 8); fi
    step "pytest, everything" pytest_all.log \
      env PYTHONPATH="$BUILD_DIR/python" timeout 300 "$PYTHON" -m pytest "$REPO/tests/python" \
      -q -rs -p no:cacheprovider "${xdist[@]}"
  fi
fi
grep -h -E "tests passed|passed|failed" "$OUT"/ctest*.log "$OUT"/pytest*.log 2>/dev/null \
  | tail -n 8 | tee -a "$SUMMARY"
note "$failures step(s) failed"
exit "$failures"
