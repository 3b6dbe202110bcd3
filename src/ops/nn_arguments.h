// Argument handling shared by the neural-network op families (src/ops/nn_*.cpp): PyTorch's
// "int or tuple" spatial arguments, and the dense operands the kernels take.
#pragma once

#include <string>
#include <vector>

#include "deepseek/core/tensor.h"
#include "deepseek/ops/copy.h"

namespace deepseek::nn_detail {

// A per-spatial-dim argument given as one value (applies to every dim) or one per dim,
// PyTorch's `int or tuple`. Throws RuntimeError naming the op and the argument otherwise.
inline std::vector<int64_t> expand_param(const std::vector<int64_t>& values, size_t dims,
                                         const char* op, const char* name) {
  if (values.size() == dims) return values;
  DS_CHECK(values.size() == 1, RuntimeError,
           "{}: expected {} to be a single integer value or a list of {} values to match the "
           "{} dimensions, but got {}={}",
           op, name, dims, op, name, shape_str(values));
  return std::vector<int64_t>(dims, values[0]);
}

// The tensor itself when contiguous, else a contiguous copy outside the graph (kernels read
// dense memory; the op records its own backward).
inline Tensor dense(const Tensor& t) {
  if (!t.defined() || t.is_contiguous()) return t;
  return contiguous(t.detach());
}

// "(2 x 3)" as PyTorch prints sizes in convolution messages ("(2x3)" with sep "x" for
// pooling ones).
inline std::string sizes_x(const std::vector<int64_t>& v, const char* sep = " x ") {
  return fmt::format("({})", fmt::join(v, sep));
}

}  // namespace deepseek::nn_detail
