// Moving data: dtype/device conversion, clone, copy_, fill_.
#pragma once

#include <functional>

#include "deepseek/core/tensor.h"

namespace deepseek {

// Returns `t` itself when nothing changes (unless copy is set), else a converted copy.
// Differentiable (gradients flow back through the conversion).
Tensor to(const Tensor& t, Device device, DType dtype, bool copy = false);
Tensor clone(const Tensor& t);
Tensor contiguous(const Tensor& t);
// self = src (broadcast to self's shape, converted to its dtype and device), in place.
const Tensor& copy_(const Tensor& self, const Tensor& src);
const Tensor& fill_(const Tensor& self, const Scalar& value);
const Tensor& zero_(const Tensor& self);

// Throws the PyTorch device-mismatch error if the tensors are on different devices.
// 0-dim CPU tensors (Python numbers) may meet tensors on any device.
void check_same_device(const char* op, std::initializer_list<Tensor> tensors);
// Allocation-free, graph-free geometry helpers for op implementations.
Tensor broadcast_view(const Tensor& t, const Shape& shape);
// Same data converted to `dtype` on `device` without recording a graph (op internals).
Tensor convert_raw(const Tensor& t, DType dtype, Device device);

// An in-place op made from its out-of-place form (op internals): self = op({self, others...})
// after checking that the result has self's shape and casts to its dtype ("result type Float
// can't be cast to the desired output type Long"). Bumps the version; the backward
// recomputes op at the saved old value of self, so any differentiable op works unchanged.
using OutOfPlaceFn = std::function<Tensor(const TensorList& args)>;
const Tensor& assign_inplace(const Tensor& self, const TensorList& others, const char* name,
                             const OutOfPlaceFn& op);

}  // namespace deepseek
