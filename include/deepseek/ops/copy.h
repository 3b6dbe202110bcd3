// Moving data: dtype/device conversion, clone, copy_, fill_.
#pragma once

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

}  // namespace deepseek
