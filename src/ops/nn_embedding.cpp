// Embedding lookup and one_hot, arranged from index_select / index_add / scatter. The
// embedding records its own backward (rather than index_select's) so that the padding row
// gets no gradient and scale_grad_by_freq can divide by row counts; that backward is
// linear in the incoming gradient and written in differentiable ops.
#include "deepseek/ops/nn_embedding.h"

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

// d(weight) of a lookup of the flat indices `idx` into a [rows, dim] table.
Tensor embedding_backward(const Tensor& grad, const Tensor& idx, int64_t rows, int64_t dim,
                          std::optional<int64_t> padding_idx, bool scale_grad_by_freq) {
  Tensor g = reshape(grad, {-1, dim});
  if (padding_idx) g = masked_fill(g, unsqueeze(eq(idx, wrapped_scalar(*padding_idx)), 1), 0);
  const TensorOptions opts = TensorOptions(g.dtype()).set_device(g.device());
  if (scale_grad_by_freq) {
    Tensor counts = index_add(zeros({rows}, opts), 0, idx, ones({idx.numel()}, opts));
    g = div(g, unsqueeze(index_select(counts, 0, idx), 1));
  }
  return index_add(zeros({rows, dim}, opts), 0, idx, g);
}

// weight.index_select(0, idx) rows whose norm exceeds max_norm are scaled down to it, in
// place and outside the graph (PyTorch's embedding_renorm_).
void renormalize_rows(const Tensor& weight, const Tensor& idx, double max_norm, double norm_type) {
  autograd::NoGradGuard no_grad;
  Tensor rows = index_select(weight, 0, idx);
  Tensor norms = norm(rows, norm_type, {1}, true);
  Tensor scale =
      where(gt(norms, wrapped_scalar(max_norm)),
            div(wrapped_scalar(max_norm), add(norms, wrapped_scalar(1e-7))), ones_like(norms));
  index_put_tensors_(weight, {idx}, mul(rows, scale), false);
}

}  // namespace

Tensor embedding(const Tensor& input, const Tensor& weight, std::optional<int64_t> padding_idx,
                 std::optional<double> max_norm, double norm_type, bool scale_grad_by_freq) {
  check_same_device("embedding", {input, weight});
  DS_CHECK(input.dtype() == DType::Int64 || input.dtype() == DType::Int32, RuntimeError,
           "embedding: Expected tensor for argument #1 'indices' to have one of the following "
           "scalar types: Long, Int; but got {} instead",
           dtype_name(input.dtype()));
  DS_CHECK(weight.dim() == 2, RuntimeError, "embedding: 'weight' must be 2-D, got {}",
           shape_str(weight.sizes()));
  const int64_t rows = weight.size(0), dim = weight.size(1);
  if (padding_idx) {
    DS_CHECK(*padding_idx >= -rows && *padding_idx < rows, RuntimeError,
             "embedding: Padding_idx must be within num_embeddings ({}), got {}", rows,
             *padding_idx);
    if (*padding_idx < 0) *padding_idx += rows;
  }
  Tensor idx = contiguous(reshape(convert_raw(input, DType::Int64, input.device()), {-1}));
  if (idx.numel() > 0) {
    const int64_t lo = amin(idx).item<int64_t>(), hi = amax(idx).item<int64_t>();
    DS_CHECK(lo >= 0 && hi < rows, IndexError,
             "embedding: index out of range in self (index {} with num_embeddings {})",
             lo < 0 ? lo : hi, rows);
  }
  if (max_norm) renormalize_rows(weight, idx, *max_norm, norm_type);
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    out = index_select(weight, 0, idx);
  }
  Shape shape = input.sizes();
  shape.push_back(dim);
  out = reshape(out, shape);
  if (autograd::needs_grad({weight})) {
    autograd::record("EmbeddingBackward0", {weight}, {out}, {save(idx)},
                     [rows, dim, padding_idx, scale_grad_by_freq](const BackwardArgs& g) {
                       return TensorList{embedding_backward(g.grad(), g.saved[0], rows, dim,
                                                            padding_idx, scale_grad_by_freq)};
                     });
  }
  return out;
}

Tensor one_hot(const Tensor& input, int64_t num_classes) {
  DS_CHECK(input.dtype() == DType::Int64, RuntimeError,
           "one_hot is only applicable to index tensor.");
  if (num_classes == -1) {
    DS_CHECK(input.numel() > 0, RuntimeError,
             "one_hot: Can not infer total number of classes from empty tensor.");
    num_classes = amax(input).item<int64_t>() + 1;
  }
  DS_CHECK(num_classes >= 0, RuntimeError,
           "one_hot: num_classes should be -1 or non-negative, "
           "got {}",
           num_classes);
  if (input.numel() > 0) {
    DS_CHECK(amin(input).item<int64_t>() >= 0, RuntimeError,
             "one_hot: Class values must be non-negative.");
    DS_CHECK(amax(input).item<int64_t>() < num_classes, RuntimeError,
             "one_hot: Class values must be smaller than num_classes.");
  }
  Shape shape = input.sizes();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, TensorOptions(DType::Int64).set_device(input.device()));
  if (input.numel() == 0) return out;
  return scatter(out, -1, unsqueeze(input, -1), Scalar(int64_t{1}));
}

}  // namespace deepseek
