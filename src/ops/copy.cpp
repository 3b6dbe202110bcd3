// Conversions and copies.
#include "deepseek/ops/copy.h"

#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/type_promotion.h"

namespace deepseek {

void check_same_device(const char* op, std::initializer_list<Tensor> tensors) {
  const Tensor* first = nullptr;
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    if (t.dim() == 0 && t.device().is_cpu()) continue;  // numbers travel freely
    if (!first) {
      first = &t;
      continue;
    }
    DS_CHECK(t.device() == first->device(), RuntimeError,
             "{}: Expected all tensors to be on the same device, but found at least two "
             "devices, {} and {}!",
             op, first->device().str(), t.device().str());
  }
}

Tensor broadcast_view(const Tensor& t, const Shape& shape) {
  if (t.sizes() == shape) return t;
  const int64_t nd = static_cast<int64_t>(shape.size()), td = t.dim();
  Strides st(shape.size(), 0);
  for (int64_t i = 0; i < td; ++i) {
    const int64_t d = nd - td + i;
    st[d] = t.size(i) == 1 && shape[d] != 1 ? 0 : t.stride(i);
  }
  return make_view(t, shape, st, t.storage_offset());
}

Tensor convert_raw(const Tensor& t, DType dtype, Device device) {
  if (t.dtype() == dtype && t.device() == device) return t;
  Tensor out = empty_tensor(t.sizes(), dtype, device);
  if (t.device() == device) {
    backend_for(device).copy(t, out);
    return out;
  }
  // Across devices: convert on the source side, then move bytes contiguously.
  Tensor src =
      t.dtype() == dtype && t.is_contiguous() ? t : empty_tensor(t.sizes(), dtype, t.device());
  if (!src.is_same(t)) backend_for(t.device()).copy(t, src);
  if (device.is_cpu()) {
    backend_for(t.device()).copy_to_host(src, out);
  } else {
    backend_for(device).copy_from_host(src, out);
  }
  return out;
}

Tensor to(const Tensor& t, Device device, DType dtype, bool copy) {
  if (!copy && t.dtype() == dtype && t.device() == device) return t;
  Tensor out;
  if (t.dtype() == dtype && t.device() == device) {
    out = empty_tensor(t.sizes(), dtype, device);
    backend_for(device).copy(t, out);
  } else {
    out = convert_raw(t, dtype, device);
  }
  if (autograd::needs_grad({t}) && is_floating(dtype)) {
    const DType src_dtype = t.dtype();
    const Device src_device = t.device();
    autograd::record("ToCopyBackward0", {t}, {out}, {},
                     [src_dtype, src_device](const autograd::BackwardArgs& g) -> TensorList {
                       return {to(g.grad(), src_device, src_dtype)};
                     });
  }
  return out;
}

Tensor clone(const Tensor& t) {
  Tensor out = empty_tensor(t.sizes(), t.dtype(), t.device());
  backend_for(t.device()).copy(t, out);
  if (autograd::needs_grad({t})) {
    autograd::record("CloneBackward0", {t}, {out}, {},
                     [](const autograd::BackwardArgs& g) -> TensorList { return {g.grad()}; });
  }
  return out;
}

Tensor contiguous(const Tensor& t) { return t.is_contiguous() ? t : clone(t); }

const Tensor& copy_(const Tensor& self, const Tensor& src) {
  autograd::check_inplace(self, "copy_");
  DS_CHECK(src.numel() == 0 || self.numel() > 0 || src.numel() == self.numel(), RuntimeError,
           "copy_: source of shape {} cannot be copied into destination of shape {}",
           shape_str(src.sizes()), shape_str(self.sizes()));
  Shape shape = broadcast_shapes(self.sizes(), src.sizes(), "copy_");
  DS_CHECK(shape == self.sizes(), RuntimeError,
           "copy_: source of shape {} is not broadcastable to destination of shape {}",
           shape_str(src.sizes()), shape_str(self.sizes()));
  // Convert first if needed, then copy through self's strides.
  Tensor from = src.device() == self.device() ? src : convert_raw(src, src.dtype(), self.device());
  backend_for(self.device()).copy(broadcast_view(from, self.sizes()), self);
  self.bump_version();
  if (autograd::needs_grad({self, src})) {
    const Shape src_shape = src.sizes();
    const DType src_dtype = src.dtype();
    const Device src_device = src.device();
    autograd::record_inplace(
        "CopyBackwards", self, {self, src}, {},
        [src_shape, src_dtype, src_device](const autograd::BackwardArgs& g) -> TensorList {
          TensorList out(2);
          if (g.needs(0)) out[0] = zeros_like(g.grad());
          if (g.needs(1)) out[1] = to(sum_to(g.grad(), src_shape), src_device, src_dtype);
          return out;
        });
  }
  return self;
}

const Tensor& fill_(const Tensor& self, const Scalar& value) {
  autograd::check_inplace(self, "fill_");
  check_scalar_fits("fill_", value, self.dtype());
  backend_for(self.device()).fill(self, value);
  self.bump_version();
  if (autograd::needs_grad({self})) {
    autograd::record_inplace(
        "FillBackward0", self, {self}, {},
        [](const autograd::BackwardArgs& g) -> TensorList { return {zeros_like(g.grad())}; });
  }
  return self;
}

const Tensor& zero_(const Tensor& self) { return fill_(self, 0); }

const Tensor& assign_inplace(const Tensor& self, const TensorList& others, const char* name,
                             const OutOfPlaceFn& op) {
  autograd::check_inplace(self, name);
  TensorList args{self};
  args.insert(args.end(), others.begin(), others.end());
  const bool track = autograd::needs_grad(args);
  Tensor result;
  {
    // When recording, op runs on a recorded copy of self: self is overwritten below, and op's
    // own node (which may have saved its input) must keep the old values.
    autograd::GradModeGuard mode(track);
    TensorList op_args = args;
    if (track) op_args[0] = self.clone();
    result = op(op_args);
  }
  DS_CHECK(result.sizes() == self.sizes(), RuntimeError,
           "{}: output with shape {} doesn't match the broadcast shape {}", name,
           shape_str(self.sizes()), shape_str(result.sizes()));
  check_can_cast(name, result.dtype(), self.dtype());
  const std::string node_name =
      result.grad_fn() ? result.grad_fn()->name() : fmt::format("{}Backward", name);
  backend_for(self.device()).copy(result.detach(), self);
  self.bump_version();
  if (track) {
    // self now holds op's result: its gradient goes on through op's own node (and from there
    // to self's old history), so the backward is op's, differentiable to any order.
    autograd::record_inplace(node_name, self, {self, result}, {},
                             [](const autograd::BackwardArgs& g) -> TensorList {
                               return {Tensor(), g.grad()};
                             });
  }
  return self;
}

// Tensor methods of this family.
Tensor Tensor::to(DType dtype, bool copy) const {
  return deepseek::to(*this, device(), dtype, copy);
}
Tensor Tensor::to(Device device, bool copy) const {
  return deepseek::to(*this, device, dtype(), copy);
}
Tensor Tensor::to(Device device, DType dtype, bool copy) const {
  return deepseek::to(*this, device, dtype, copy);
}
Tensor Tensor::contiguous() const { return deepseek::contiguous(*this); }
Tensor Tensor::clone() const { return deepseek::clone(*this); }
const Tensor& Tensor::copy_(const Tensor& src) const { return deepseek::copy_(*this, src); }
const Tensor& Tensor::fill_(const Scalar& value) const { return deepseek::fill_(*this, value); }
const Tensor& Tensor::zero_() const { return deepseek::zero_(*this); }

Scalar Tensor::item() const {
  DS_CHECK(numel() == 1, RuntimeError,
           "item: a Tensor with {} elements cannot be converted to Scalar", numel());
  Tensor host = convert_raw(*this, dtype(), Device(DeviceType::CPU));
  return visit_dtype(dtype(), "item", [&](auto tag) -> Scalar {
    using T = typename decltype(tag)::type;
    const T v = *static_cast<const T*>(host.data_ptr());
    if constexpr (std::is_same_v<T, bool>) {
      return Scalar(v);
    } else if constexpr (std::is_integral_v<T>) {
      return Scalar(static_cast<int64_t>(v));
    } else {
      return Scalar(static_cast<double>(static_cast<compute_type_t<T>>(v)));
    }
  });
}

}  // namespace deepseek
