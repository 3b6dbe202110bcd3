#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs the whole test suite: the C++ tests
# through ctest (GoogleTest, the install/find_package test) and the Python tests through
# pytest. Both suites run even if the first fails; the exit status is non-zero if either did.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${DEEPSEEK_BUILD_DIR:-$REPO/build}"

bash "$REPO/scripts/setup.sh"

# ctest runs test processes side by side on a small machine; OpenMP threads that spin long
# while waiting then steal the cores other processes need (a 20 µs op can take 4 ms). A
# short spin keeps the suite's time predictable; it changes no result. (The Python package
# sets the same default for itself; C++ programs get it from here.)
if [[ -z "${OMP_WAIT_POLICY:-}" ]]; then export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-1000}"; fi

status=0
echo "== ctest"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" || status=1

echo "== pytest"
cd "$REPO"
PYTHONPATH="$BUILD_DIR/python" /usr/bin/python3 -m pytest tests/python -q || status=1

exit "$status"
