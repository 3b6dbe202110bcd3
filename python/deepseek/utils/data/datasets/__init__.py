"""Ready-made datasets read from local files (deepseek never downloads).

torchvision is not part of deepseek, so code written as
``torchvision.datasets.FashionMNIST(root, train=True, download=True)`` becomes
``deepseek.utils.data.datasets.FashionMNIST(root, train=True)``; with root=None it reads
Debian's fashion-mnist package (/usr/share/datasets/fashion-mnist).
"""
from deepseek.utils.data.datasets.fashion_mnist import FashionMNIST  # noqa: F401
