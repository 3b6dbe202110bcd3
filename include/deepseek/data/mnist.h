// MNIST-format image datasets (MNIST, Fashion-MNIST) read from their four IDX files,
// gzip'd or raw: {train,t10k}-images-idx3-ubyte[.gz] and {train,t10k}-labels-idx1-ubyte[.gz].
//
//   data::MNIST train(data::kFashionMnistRoot, /*train=*/true);
//   data::DataLoader loader(train.images, train.labels, {.batch_size = 64, .shuffle = true});
#pragma once

#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek::data {

// Where Debian's dataset-fashion-mnist package installs the files.
inline constexpr const char* kFashionMnistRoot = "/usr/share/datasets/fashion-mnist";

class MNIST {
 public:
  // Loads the training split (60000 images for (Fashion-)MNIST) or the test split (10000).
  // Missing files raise RuntimeError naming the paths tried; malformed ones ValueError
  // (see read_idx), as do image and label files that disagree on the count.
  explicit MNIST(const std::string& root = kFashionMnistRoot, bool train = true);

  int64_t size() const { return labels.size(0); }

  Tensor images;  // [N, 1, rows, cols] float32 in [0, 1]
  Tensor labels;  // [N] int64
};

// Fashion-MNIST ships in exactly MNIST's format.
using FashionMNIST = MNIST;

}  // namespace deepseek::data
