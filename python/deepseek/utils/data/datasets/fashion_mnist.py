"""FashionMNIST from its IDX files (the format of the original MNIST distribution).

Files (gzip-compressed or not): {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz], looked
up in `root`, `root/raw` and `root/FashionMNIST/raw` (torchvision's layout); with
root=None, in Debian's /usr/share/datasets/fashion-mnist.
"""
import gzip
import os

import numpy as np

from deepseek import _C
from deepseek.utils.data.dataset import Dataset

DEBIAN_ROOT = "/usr/share/datasets/fashion-mnist"
_IMAGES_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions
_LABELS_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension


def _read_idx(path, magic, ndim):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    header = 4 * (1 + ndim)
    if len(data) < header:
        raise RuntimeError(f"FashionMNIST: {path} is too short to be an IDX file")
    found_magic = int.from_bytes(data[0:4], "big")
    if found_magic != magic:
        raise RuntimeError(f"FashionMNIST: {path} has IDX magic number {found_magic}, expected "
                           f"{magic}")
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    count = int(np.prod(shape))
    if len(data) != header + count:
        raise RuntimeError(f"FashionMNIST: {path} holds {len(data) - header} bytes of data, "
                           f"its header announces {count} (shape {shape})")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


class FashionMNIST(Dataset):
    """Zalando's 28x28 grayscale clothing images, 10 classes (60000 train, 10000 test).

    Item i is (image, label): image a float32 tensor [1, 28, 28] scaled to [0, 1] (what
    torchvision's ToTensor() produces) passed through `transform` if given, label an int
    passed through `target_transform` if given. `data` (uint8 [N, 28, 28]) and `targets`
    (int64 [N]) hold the whole split as tensors.
    """

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        self.root = DEBIAN_ROOT if root is None else os.path.expanduser(str(root))
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        split = "train" if train else "t10k"
        images_path = self._find(f"{split}-images-idx3-ubyte", download)
        labels_path = self._find(f"{split}-labels-idx1-ubyte", download)
        images = _read_idx(images_path, _IMAGES_MAGIC, 3)
        labels = _read_idx(labels_path, _LABELS_MAGIC, 1)
        if images.shape[0] != labels.shape[0]:
            raise RuntimeError(f"FashionMNIST: {images_path} has {images.shape[0]} images but "
                               f"{labels_path} has {labels.shape[0]} labels")
        self._images = images
        self._labels = labels.astype(np.int64)
        self.data = _C.from_numpy(images.copy())
        self.targets = _C.from_numpy(self._labels)

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _find(self, stem, download):
        folders = [self.root, os.path.join(self.root, "raw"),
                   os.path.join(self.root, "FashionMNIST", "raw")]
        for folder in folders:
            for name in (stem, stem + ".gz"):
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    return path
        searched = ", ".join(folders)
        if download:
            raise RuntimeError(
                f"FashionMNIST: download=True is not supported: deepseek does not download "
                f"data sets (no network access). {stem}[.gz] was not found in {searched}; "
                f"install Debian's fashion-mnist package (files in {DEBIAN_ROOT}) or copy "
                "the IDX files there.")
        raise RuntimeError(f"FashionMNIST: dataset not found: no {stem}[.gz] in {searched}")

    def __len__(self):
        return self._images.shape[0]

    def __getitem__(self, index):
        index = int(index)
        image = self._images[index].astype(np.float32)[None] / np.float32(255)
        img = _C.from_numpy(image)
        target = int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"

    def __repr__(self):
        return (f"Dataset FashionMNIST\n    Number of datapoints: {len(self)}\n"
                f"    Root location: {self.root}\n    {self.extra_repr()}")
