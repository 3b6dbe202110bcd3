#include "deepseek/data/data_loader.h"

#include "deepseek/ops/creation.h"

namespace deepseek::data {

DataLoader::DataLoader(Tensor inputs, Tensor targets, const DataLoaderOptions& options)
    : inputs_(std::move(inputs)),
      targets_(std::move(targets)),
      options_(options),
      generator_(std::make_unique<Generator>(options.seed)) {
  DS_CHECK(inputs_.defined() && targets_.defined(), ValueError,
           "DataLoader: inputs and targets must be defined tensors");
  DS_CHECK(inputs_.dim() >= 1 && targets_.dim() >= 1, ValueError,
           "DataLoader: inputs and targets need a batch dim (got {}-D and {}-D)", inputs_.dim(),
           targets_.dim());
  DS_CHECK(inputs_.size(0) == targets_.size(0), ValueError,
           "DataLoader: inputs hold {} samples but targets hold {}", inputs_.size(0),
           targets_.size(0));
  DS_CHECK(options_.batch_size > 0, ValueError,
           "batch_size should be a positive integer value, but got batch_size={}",
           options_.batch_size);
}

int64_t DataLoader::num_batches() const {
  int64_t n = dataset_size(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

DataLoader::Iterator DataLoader::begin() {
  Tensor order;
  if (options_.shuffle) {
    order = randperm(dataset_size(), TensorOptions(DType::Int64), generator_.get());
    if (inputs_.device() != order.device()) order = order.to(inputs_.device());
  }
  return Iterator(this, order, 0);
}

Batch DataLoader::batch(const Tensor& order, int64_t index) const {
  int64_t start = index * options_.batch_size;
  int64_t length = std::min(options_.batch_size, dataset_size() - start);
  if (!order.defined()) {
    return {inputs_.narrow(0, start, length), targets_.narrow(0, start, length)};
  }
  Tensor rows = order.narrow(0, start, length);
  Tensor target_rows = targets_.device() == rows.device() ? rows : rows.to(targets_.device());
  return {inputs_.index_select(0, rows), targets_.index_select(0, target_rows)};
}

}  // namespace deepseek::data
