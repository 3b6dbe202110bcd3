"""What the two Fashion-MNIST examples (fmnist_mlp.py, fmnist_cnn.py) share: their common
command-line flags, the data (Debian's Fashion-MNIST, or a synthetic stand-in that is
announced loudly when the files are absent) and the test-accuracy loop. The C++ examples
share the same pieces through examples/cpp/fmnist.h.
"""
import os

import numpy as np

import deepseek as torch
from deepseek.utils.data import TensorDataset
from deepseek.utils.data.datasets import FashionMNIST

FMNIST_DIR = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530  # pixel statistics of the Fashion-MNIST training set


def add_arguments(parser):
    """The flags every Fashion-MNIST example takes (each adds its own model's)."""
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--num-workers", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=None,
                        help="stop after this many training steps (quick checks)")
    parser.add_argument("--data-dir", default=FMNIST_DIR)
    parser.add_argument("--synthetic", action="store_true",
                        help="use the synthetic data set even if Fashion-MNIST is present")
    parser.add_argument("--seed", type=int, default=0)


def normalize(image):
    return (image - MEAN) / STD


def synthetic_split(num, seed):
    """A learnable stand-in: each class is a fixed random blocky image (7x7 cells of 4x4
    pixels, so convolutions and pooling see shapes) plus strong noise."""
    cells = np.random.default_rng(0).uniform(0, 1, size=(10, 1, 7, 7))
    templates = np.kron(cells, np.ones((4, 4)))
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=num)
    images = np.clip(templates[labels] + rng.normal(0, 1.5, size=(num, 1, 28, 28)), 0, 1)
    return TensorDataset(normalize(torch.from_numpy(images.astype(np.float32))),
                         torch.from_numpy(labels))


def datasets(args):
    """(train, test, name): Fashion-MNIST when present, else the synthetic stand-in."""
    have_files = os.path.isdir(args.data_dir) and any(
        name.startswith("train-images") for name in os.listdir(args.data_dir))
    if have_files and not args.synthetic:
        print(f"data: Fashion-MNIST from {args.data_dir}")
        return (FashionMNIST(args.data_dir, train=True, transform=normalize),
                FashionMNIST(args.data_dir, train=False, transform=normalize), "fashion-mnist")
    reason = "--synthetic given" if args.synthetic else f"no Fashion-MNIST in {args.data_dir}"
    print("=" * 78)
    print(f"data: SYNTHETIC stand-in ({reason}); accuracy below is NOT Fashion-MNIST's")
    print("=" * 78)
    return synthetic_split(12000, seed=1), synthetic_split(2000, seed=2), "synthetic"


def evaluate(model, loader):
    """Fraction of the loader's images the model classifies correctly (eval mode, no graph)."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += labels.shape[0]
    return correct / total
