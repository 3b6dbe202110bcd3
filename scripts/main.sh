#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs the main job: a small CNN (Conv2d,
# BatchNorm, MaxPool, Dropout, Linear) trained on Fashion-MNIST for two epochs with the
# PyTorch-style nn / optim / DataLoader API. Extra arguments go to the example (see
# `examples/python/fmnist_cnn.py --help`).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${DEEPSEEK_BUILD_DIR:-$REPO/build}"

bash "$REPO/scripts/setup.sh"
PYTHONPATH="$BUILD_DIR/python" exec /usr/bin/python3 "$REPO/examples/python/fmnist_cnn.py" "$@"
