// data::DataLoader: mini-batches over paired (inputs, targets) tensors, split along dim 0.
// Each pass (each begin()) is an epoch; with shuffle, every epoch draws a new permutation
// from the loader's own generator, so a seed reproduces the whole sequence of epochs.
//
//   data::DataLoader loader(images, labels, {.batch_size = 64, .shuffle = true, .seed = 0});
//   for (int epoch = 0; epoch < 5; ++epoch)
//     for (auto [x, y] : loader) { ... }
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>

#include "deepseek/core/generator.h"
#include "deepseek/core/tensor.h"

namespace deepseek::data {

struct DataLoaderOptions {
  int64_t batch_size = 1;
  bool shuffle = false;
  bool drop_last = false;  // skip the last batch when it is smaller than batch_size
  uint64_t seed = 0;       // for shuffle
};

struct Batch {
  Tensor inputs, targets;
};

class DataLoader {
 public:
  // inputs and targets must share their first dim (ValueError otherwise).
  DataLoader(Tensor inputs, Tensor targets, const DataLoaderOptions& options = {});

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Batch;

    Batch operator*() const { return loader_->batch(order_, index_); }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    friend class DataLoader;
    Iterator(const DataLoader* loader, Tensor order, int64_t index)
        : loader_(loader), order_(std::move(order)), index_(index) {}
    const DataLoader* loader_;
    Tensor order_;  // the epoch's permutation (undefined: in order)
    int64_t index_;
  };

  // Starts an epoch (drawing its permutation when shuffling).
  Iterator begin();
  Iterator end() const { return Iterator(this, Tensor(), num_batches()); }

  // Batches per epoch.
  int64_t num_batches() const;
  int64_t size() const { return num_batches(); }
  int64_t dataset_size() const { return inputs_.size(0); }

 private:
  Batch batch(const Tensor& order, int64_t index) const;

  Tensor inputs_, targets_;
  DataLoaderOptions options_;
  std::unique_ptr<Generator> generator_;  // a pointer keeps the loader movable
};

}  // namespace deepseek::data
