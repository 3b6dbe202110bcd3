#!/usr/bin/env python3
"""Train a small MLP on Fashion-MNIST with raw deepseek tensors and autograd.

No nn module and no optimizer class: the parameters are plain tensors with
requires_grad=True, the loss is log_softmax + gather, and the update is a hand-written
SGD-with-momentum step under no_grad. It is the smallest end-to-end check that the
tensor ops, autograd and the CPU backend train a real model.

Data: Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist). When
those files are absent, a deterministic synthetic data set of the same shape stands in,
and the script says so loudly.

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/fmnist_raw.py
"""
import argparse
import gzip
import math
import os
import sys
import time

import numpy as np

import deepseek as torch

FMNIST_DIR = "/usr/share/datasets/fashion-mnist"
FMNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
NUM_CLASSES = 10
IMAGE_PIXELS = 28 * 28
# What a healthy run reaches; below it the script fails, so a regression cannot hide.
MIN_ACCURACY = {"fashion-mnist": 0.80, "synthetic": 0.90}


def read_idx(path):
    """Reads one gzipped IDX file (the MNIST container format) into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = data[0] << 8 | data[1], data[2], data[3]
    if zero != 0 or dtype_code != 0x08:  # 0x08: unsigned bytes, the only type these files use
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4).astype(np.int64)
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {tuple(dims)} but holds {body.size} bytes")
    return body.reshape(tuple(dims))


def load_fashion_mnist(data_dir):
    """Returns (train_x, train_y, test_x, test_y) as numpy arrays, pixels scaled to [0, 1]."""
    arrays = {key: read_idx(os.path.join(data_dir, name)) for key, name in FMNIST_FILES.items()}

    def images(a):
        return a.reshape(a.shape[0], IMAGE_PIXELS).astype(np.float32) / 255.0

    return (images(arrays["train_images"]), arrays["train_labels"].astype(np.int64),
            images(arrays["test_images"]), arrays["test_labels"].astype(np.int64))


def make_synthetic(num_train=12000, num_test=2000, seed=0):
    """A deterministic, learnable stand-in: each class is a random 'template image' plus
    noise strong enough that a linear model alone does not reach 100%."""
    rng = np.random.default_rng(seed)
    templates = rng.uniform(0.0, 1.0, size=(NUM_CLASSES, IMAGE_PIXELS)).astype(np.float32)

    def draw(n):
        labels = rng.integers(0, NUM_CLASSES, size=n)
        noise = rng.normal(0.0, 1.5, size=(n, IMAGE_PIXELS)).astype(np.float32)
        return np.clip(templates[labels] + noise, 0.0, 1.0), labels.astype(np.int64)

    train_x, train_y = draw(num_train)
    test_x, test_y = draw(num_test)
    return train_x, train_y, test_x, test_y


def init_mlp(sizes, seed):
    """He-initialised weights [in, out] and zero biases, all leaves with requires_grad."""
    torch.manual_seed(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = (torch.randn(fan_in, fan_out) * math.sqrt(2.0 / fan_in)).requires_grad_()
        b = torch.zeros(fan_out, requires_grad=True)
        params += [w, b]
    return params


def forward(params, x):
    """Linear -> ReLU -> ... -> Linear; returns the logits."""
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = torch.relu(h)
    return h


def cross_entropy(logits, labels):
    """Mean negative log-likelihood of the true class, written with raw ops."""
    log_probs = torch.log_softmax(logits, dim=1)
    return -log_probs.gather(1, labels.unsqueeze(1)).mean()


def sgd_momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_(p.grad)
            p.sub_(v, alpha=lr)
            p.grad.zero_()


def accuracy(params, x, y, batch_size=2000):
    correct = 0
    with torch.no_grad():
        for start in range(0, x.shape[0], batch_size):
            logits = forward(params, x[start:start + batch_size])
            correct += (logits.argmax(1) == y[start:start + batch_size]).sum().item()
    return correct / x.shape[0]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--hidden", type=int, nargs="+", default=[256, 128],
                        help="hidden layer widths")
    parser.add_argument("--data-dir", default=FMNIST_DIR)
    parser.add_argument("--synthetic", action="store_true",
                        help="use the synthetic data set even if Fashion-MNIST is present")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    have_files = all(os.path.exists(os.path.join(args.data_dir, f))
                     for f in FMNIST_FILES.values())
    if have_files and not args.synthetic:
        dataset = "fashion-mnist"
        train_x, train_y, test_x, test_y = load_fashion_mnist(args.data_dir)
        print(f"data: Fashion-MNIST from {args.data_dir}")
    else:
        dataset = "synthetic"
        train_x, train_y, test_x, test_y = make_synthetic(seed=args.seed)
        reason = "--synthetic given" if args.synthetic else f"no Fashion-MNIST in {args.data_dir}"
        print("=" * 72)
        print(f"data: SYNTHETIC stand-in ({reason}); the accuracy below is NOT Fashion-MNIST's")
        print("=" * 72)

    # Standardise with the training set's statistics (one scalar, as is usual for MNIST).
    mean, std = train_x.mean(), train_x.std()
    train_x = torch.from_numpy((train_x - mean) / std)
    test_x = torch.from_numpy((test_x - mean) / std)
    train_y, test_y = torch.from_numpy(train_y), torch.from_numpy(test_y)
    num_train = train_x.shape[0]
    print(f"train {tuple(train_x.shape)}, test {tuple(test_x.shape)}, "
          f"model {IMAGE_PIXELS}-{'-'.join(map(str, args.hidden))}-{NUM_CLASSES}")

    params = init_mlp([IMAGE_PIXELS, *args.hidden, NUM_CLASSES], args.seed)
    velocities = [torch.zeros_like(p) for p in params]
    print(f"parameters: {sum(p.numel() for p in params)}")

    total_start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(num_train)
        loss_sum, steps = 0.0, 0
        for first in range(0, num_train, args.batch_size):
            index = order[first:first + args.batch_size]
            loss = cross_entropy(forward(params, train_x[index]), train_y[index])
            loss.backward()
            sgd_momentum_step(params, velocities, args.lr, args.momentum)
            loss_sum += loss.item()
            steps += 1
        seconds = time.perf_counter() - start
        test_acc = accuracy(params, test_x, test_y)
        print(f"epoch {epoch:2d}/{args.epochs}  loss {loss_sum / steps:.4f}  "
              f"test acc {test_acc:.4f}  {num_train / seconds:8.0f} samples/s  "
              f"({seconds:.1f} s)", flush=True)

    final = accuracy(params, test_x, test_y)
    print(f"final test accuracy ({dataset}): {final:.4f} "
          f"after {time.perf_counter() - total_start:.1f} s")
    if final < MIN_ACCURACY[dataset]:
        print(f"FAILED: expected at least {MIN_ACCURACY[dataset]:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
