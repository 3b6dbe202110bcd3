// Tensor accessors that need no op. Op methods live in their op family's file
// (src/ops/<family>.cpp) and autograd methods in src/autograd/tensor_autograd.cpp.
#include "deepseek/core/tensor.h"

namespace deepseek {

int64_t Tensor::size(int64_t dim) const {
  DS_CHECK(this->dim() > 0, IndexError,
           "size: dimension specified as {} but tensor has no dimensions", dim);
  return sizes()[normalize_dim(dim, this->dim(), "size")];
}

int64_t Tensor::stride(int64_t dim) const {
  DS_CHECK(this->dim() > 0, IndexError,
           "stride: dimension specified as {} but tensor has no dimensions", dim);
  return strides()[normalize_dim(dim, this->dim(), "stride")];
}

Tensor empty_tensor(const Shape& shape, DType dtype, Device device) {
  int64_t n = shape_numel(shape);
  size_t nbytes = 0;
  DS_CHECK(!__builtin_mul_overflow(static_cast<size_t>(n), itemsize(dtype), &nbytes), ValueError,
           "empty: shape {} of {} is too large", shape_str(shape), dtype_name(dtype));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = Storage::allocate(nbytes, device);
  impl->sizes = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, Shape sizes, Strides strides, int64_t offset) {
  const TensorImpl& src = *base.impl();
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = src.storage;
  impl->sizes = std::move(sizes);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = src.dtype;
  impl->version = src.version;
  impl->view_base = src.view_base ? src.view_base : base.impl_ptr();
  return Tensor(std::move(impl));
}

Tensor make_alias(const Tensor& fresh, Shape sizes, Strides strides, int64_t offset) {
  Tensor t = make_view(fresh, std::move(sizes), std::move(strides), offset);
  t.impl()->view_base = nullptr;
  return t;
}

}  // namespace deepseek
