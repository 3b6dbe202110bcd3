// Shape ops. Views share storage with their input (and its version counter); the rest copy.
#pragma once

#include <optional>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek {

// Views. A -1 in a shape is inferred.
Tensor view(const Tensor& x, const Shape& shape);
// A view when strides allow it, otherwise a copy.
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor t(const Tensor& x);  // transpose of a <= 2-D tensor
Tensor squeeze(const Tensor& x, std::optional<int64_t> dim = std::nullopt);
Tensor unsqueeze(const Tensor& x, int64_t dim);
// -1 keeps a size; new leading dims may be added.
Tensor expand(const Tensor& x, const Shape& shape);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
// Python slicing x[start:end:step] along dim (step > 0; bounds clamp like Python's).
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start,
             std::optional<int64_t> end, int64_t step = 1);
Tensor as_strided(const Tensor& x, const Shape& sizes, const Strides& strides,
                  std::optional<int64_t> storage_offset = std::nullopt);
Tensor movedim(const Tensor& x, int64_t source, int64_t destination);

// Copies.
Tensor cat(const TensorList& tensors, int64_t dim = 0);
Tensor stack(const TensorList& tensors, int64_t dim = 0);
TensorList split(const Tensor& x, int64_t split_size, int64_t dim = 0);
TensorList split(const Tensor& x, const std::vector<int64_t>& split_sizes, int64_t dim = 0);
TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
TensorList unbind(const Tensor& x, int64_t dim = 0);
Tensor repeat(const Tensor& x, const Shape& repeats);
Tensor tril(const Tensor& x, int64_t diagonal = 0);
Tensor triu(const Tensor& x, int64_t diagonal = 0);
Tensor flip(const Tensor& x, const std::vector<int64_t>& dims);
// Shifts elements along each dim, wrapping around; no dims rolls the flattened tensor.
Tensor roll(const Tensor& x, const std::vector<int64_t>& shifts,
            const std::vector<int64_t>& dims = {});

// Resolves one -1 in `shape` against numel; throws the PyTorch "shape '[..]' is invalid for
// input of size N" error.
Shape infer_size(const Shape& shape, int64_t numel, const char* op);

}  // namespace deepseek
