// Tensor: a cheap, reference-counted handle to a TensorImpl. Copies share the same tensor
// (like Python names); views share storage. Methods mirror PyTorch's Tensor methods and
// forward to the functional ops in deepseek/ops, where each op is defined once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "deepseek/core/dtype.h"
#include "deepseek/core/error.h"
#include "deepseek/core/scalar.h"
#include "deepseek/core/shape.h"
#include "deepseek/core/tensor_impl.h"

namespace deepseek {

namespace autograd {
class Node;
}

class Tensor;
using TensorList = std::vector<Tensor>;

// How a factory builds a tensor: dtype (default: the factory's), device, requires_grad.
struct TensorOptions {
  std::optional<DType> dtype;
  Device device;
  bool requires_grad = false;

  TensorOptions() = default;
  TensorOptions(DType d) : dtype(d) {}    // NOLINT: `zeros({2}, DType::Int64)` reads well
  TensorOptions(Device d) : device(d) {}  // NOLINT
  TensorOptions& set_dtype(DType d) {
    dtype = d;
    return *this;
  }
  TensorOptions& set_device(Device d) {
    device = d;
    return *this;
  }
  TensorOptions& set_requires_grad(bool r) {
    requires_grad = r;
    return *this;
  }
  DType dtype_or(DType fallback) const { return dtype.value_or(fallback); }
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- geometry and identity (src/core/tensor.cpp) ----
  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

  const Shape& sizes() const { return checked_impl().sizes; }
  const Shape& shape() const { return sizes(); }
  int64_t size(int64_t dim) const;
  const Strides& strides() const { return checked_impl().strides; }
  int64_t stride(int64_t dim) const;
  int64_t dim() const { return static_cast<int64_t>(sizes().size()); }
  int64_t numel() const { return checked_impl().numel(); }
  DType dtype() const { return checked_impl().dtype; }
  Device device() const { return checked_impl().device(); }
  int64_t storage_offset() const { return checked_impl().offset; }
  bool is_contiguous() const { return checked_impl().is_contiguous(); }
  size_t element_size() const { return itemsize(dtype()); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * element_size(); }
  bool is_floating_point() const { return is_floating(dtype()); }
  bool is_view() const { return checked_impl().view_base != nullptr; }

  // Raw pointer to the first element (device memory for non-CPU tensors).
  void* data_ptr() const { return checked_impl().data(); }
  // Typed pointer; throws TypeError if T does not match the dtype.
  template <typename T>
  T* data_ptr() const {
    DS_CHECK(dtype_of<T>::value == dtype(), TypeError,
             "data_ptr: tensor has dtype {}, requested {}", dtype_name(dtype()),
             dtype_name(dtype_of<T>::value));
    return static_cast<T*>(data_ptr());
  }

  uint32_t version() const { return checked_impl().version->version.load(); }
  void bump_version() const { checked_impl().version->version.fetch_add(1); }

  // The single value of a one-element tensor (copied to the host).
  Scalar item() const;
  template <typename T>
  T item() const {
    return item().to<T>();
  }

  // ---- autograd (src/autograd/tensor_autograd.cpp) ----
  bool requires_grad() const;
  // Marks a leaf as needing a gradient; only floating tensors may. Returns *this.
  const Tensor& requires_grad_(bool enabled = true) const;
  Tensor grad() const;
  void set_grad(const Tensor& grad) const;
  std::shared_ptr<autograd::Node> grad_fn() const;
  bool is_leaf() const;
  uint32_t output_nr() const;
  void backward(const Tensor& gradient = {}, bool retain_graph = false,
                bool create_graph = false) const;
  // Shares storage and version counter, but leaves the graph.
  Tensor detach() const;
  const Tensor& detach_() const;
  // PyTorch's `t.data = src`: this tensor takes src's storage, geometry and dtype and keeps
  // its identity, autograd flags and version counter (how Module.to converts parameters in
  // place, so that references held elsewhere, e.g. by optimizers, stay valid).
  void set_data(const Tensor& src) const;
  void retain_grad() const;
  bool retains_grad() const;
  // Hooks see the gradient before it is used; returning a defined tensor replaces it.
  using GradHook = std::function<Tensor(const Tensor&)>;
  int64_t register_hook(GradHook hook) const;
  void remove_hook(int64_t handle) const;
  // Runs after the gradient was accumulated into .grad (leaves only).
  using PostAccumulateHook = std::function<void(const Tensor&)>;
  int64_t register_post_accumulate_grad_hook(PostAccumulateHook hook) const;

  // ---- ops as methods (each defined in its op family's file, src/ops/<family>.cpp) ----
  // conversions
  Tensor to(DType dtype, bool copy = false) const;
  Tensor to(Device device, bool copy = false) const;
  Tensor to(Device device, DType dtype, bool copy = false) const;
  Tensor cpu() const { return to(Device(DeviceType::CPU)); }
  Tensor cuda(int index = 0) const { return to(Device(DeviceType::CUDA, index)); }
  Tensor contiguous() const;
  Tensor clone() const;
  // unary
  Tensor neg() const;
  Tensor abs() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor log1p() const;
  Tensor expm1() const;
  Tensor sqrt() const;
  Tensor rsqrt() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor tanh() const;
  Tensor sigmoid() const;
  Tensor relu() const;
  Tensor gelu(const std::string& approximate = "none") const;
  Tensor silu() const;
  Tensor sign() const;
  Tensor floor() const;
  Tensor ceil() const;
  Tensor round() const;
  Tensor reciprocal() const;
  Tensor erf() const;
  Tensor square() const;
  Tensor pow(const Scalar& exponent) const;
  Tensor pow(const Tensor& exponent) const;
  Tensor clamp(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt) const;
  Tensor logical_not() const;
  // binary (broadcasting, PyTorch type promotion)
  Tensor add(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor sub(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor mul(const Tensor& other) const;
  Tensor div(const Tensor& other) const;
  Tensor maximum(const Tensor& other) const;
  Tensor minimum(const Tensor& other) const;
  Tensor eq(const Tensor& other) const;
  Tensor ne(const Tensor& other) const;
  Tensor lt(const Tensor& other) const;
  Tensor le(const Tensor& other) const;
  Tensor gt(const Tensor& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor logical_and(const Tensor& other) const;
  Tensor logical_or(const Tensor& other) const;
  Tensor logical_xor(const Tensor& other) const;
  // reductions: empty dims = all dims
  Tensor sum(const std::vector<int64_t>& dims = {}, bool keepdim = false,
             std::optional<DType> dtype = std::nullopt) const;
  Tensor mean(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
  Tensor prod(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
  Tensor amax(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
  Tensor amin(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
  Tensor max() const;
  Tensor min() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor argmax(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor var(const std::vector<int64_t>& dims = {}, double correction = 1,
             bool keepdim = false) const;
  Tensor std(const std::vector<int64_t>& dims = {}, double correction = 1,
             bool keepdim = false) const;
  Tensor logsumexp(const std::vector<int64_t>& dims, bool keepdim = false) const;
  Tensor norm(const Scalar& p = 2, const std::vector<int64_t>& dims = {},
              bool keepdim = false) const;
  Tensor all(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
  Tensor any(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
  // linear algebra
  Tensor matmul(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;
  Tensor bmm(const Tensor& other) const;
  Tensor outer(const Tensor& other) const;
  // shape and views
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor expand(const Shape& shape) const;
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor unflatten(int64_t dim, const Shape& sizes) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
               int64_t step = 1) const;
  Tensor as_strided(const Shape& sizes, const Strides& strides,
                    std::optional<int64_t> storage_offset = std::nullopt) const;
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor scatter(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor masked_fill(const Tensor& mask, const Scalar& value) const;
  Tensor repeat(const Shape& repeats) const;
  Tensor tril(int64_t diagonal = 0) const;
  Tensor triu(int64_t diagonal = 0) const;
  TensorList split(int64_t split_size, int64_t dim = 0) const;
  TensorList split(const std::vector<int64_t>& split_sizes, int64_t dim = 0) const;
  TensorList chunk(int64_t chunks, int64_t dim = 0) const;
  Tensor softmax(int64_t dim) const;
  Tensor log_softmax(int64_t dim) const;
  // in place: each bumps the version counter
  const Tensor& add_(const Tensor& other, const Scalar& alpha = 1) const;
  const Tensor& sub_(const Tensor& other, const Scalar& alpha = 1) const;
  const Tensor& mul_(const Tensor& other) const;
  const Tensor& div_(const Tensor& other) const;
  const Tensor& zero_() const;
  const Tensor& fill_(const Scalar& value) const;
  const Tensor& copy_(const Tensor& src) const;
  const Tensor& clamp_(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt) const;
  const Tensor& masked_fill_(const Tensor& mask, const Scalar& value) const;

  // PyTorch-style text, e.g. "tensor([[1., 2.]], requires_grad=True)".
  std::string to_string() const;

 private:
  const TensorImpl& checked_impl() const {
    DS_CHECK(impl_ != nullptr, RuntimeError,
             "Tensor: the tensor is undefined (default-constructed)");
    return *impl_;
  }
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

// Uninitialised contiguous memory: the one place tensors are born. Factories in ops/ and
// backends build on it.
Tensor empty_tensor(const Shape& shape, DType dtype, Device device);
// A tensor viewing `base`'s storage with new geometry (no checks: the caller validated it).
// It counts as a view of base for autograd (in-place writes reach base's graph).
Tensor make_view(const Tensor& base, Shape sizes, Strides strides, int64_t offset);
// The same memory under another geometry, *not* a view: for ops that reshape their own
// freshly allocated result before returning it.
Tensor make_alias(const Tensor& fresh, Shape sizes, Strides strides, int64_t offset);

// Arithmetic operators (src/ops/binary.cpp; unary minus in src/ops/unary.cpp), scalars on
// either side.
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Scalar& a, const Tensor& b);

}  // namespace deepseek
