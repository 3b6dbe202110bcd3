// The Backend interface: everything a device must provide. Ops allocate outputs and call
// these kernels; nothing above this file knows how a kernel is written. A kernel that a
// backend does not provide throws NotImplementedError naming itself and the backend.
//
// Conventions for every kernel:
//  - all tensors are on this backend's device;
//  - inputs may have any strides (stride 0 = broadcast); outputs are written through their
//    strides and never overlap their inputs unless the kernel says so;
//  - shapes were validated by the op, dtypes are as documented per kernel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "deepseek/backend/kernel_ops.h"
#include "deepseek/core/device.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual DeviceType device_type() const = 0;
  virtual const char* name() const = 0;
  virtual int device_count() const = 0;

  // ---- data movement ----
  // dst = src converted to dst's dtype; same shape, both on this device, any strides.
  virtual void copy(const Tensor& src, const Tensor& dst);
  // Between this device and the host; both tensors contiguous, same dtype and numel.
  virtual void copy_to_host(const Tensor& src, const Tensor& host_dst);
  virtual void copy_from_host(const Tensor& host_src, const Tensor& dst);
  virtual void fill(const Tensor& out, const Scalar& value);
  // out[i] = start + i * step (out contiguous, 1-D).
  virtual void arange(const Tensor& out, double start, double step);
  virtual void random(RandomKind kind, const Tensor& out, uint64_t seed, uint64_t offset,
                      double a, double b);

  // ---- elementwise ----
  // in and out have the same shape; out dtype == in dtype except for ops that write bool.
  virtual void unary(UnaryOp op, const Tensor& in, const Tensor& out, const UnaryParams& p);
  // a, b, out have the same shape (broadcast by strides); a and b share the compute dtype;
  // out has it too, or bool for comparisons and logic.
  virtual void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
  // out = cond ? a : b; cond bool; a, b, out one dtype; all the same shape.
  virtual void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);

  // ---- reductions ----
  // out has in's shape with every dim in `dims` set to 1 (keepdim layout); dims sorted,
  // unique. Sum/Prod accumulate in double (floats) or int64 (integers) and write out's dtype.
  virtual void reduce(ReduceOp op, const Tensor& in, const std::vector<int64_t>& dims,
                      const Tensor& out);
  // Along one dim, keepdim layout; indices int64; values may be undefined.
  virtual void arg_reduce(ArgReduceOp op, const Tensor& in, int64_t dim, const Tensor& values,
                          const Tensor& indices);

  // ---- linear algebra ----
  // out[b] = a[b] @ bmat[b]: a [B, M, K], bmat [B, K, N], out [B, M, N] contiguous; a and
  // bmat any strides (batch stride 0 broadcasts), one floating/integer dtype for all three.
  virtual void matmul(const Tensor& a, const Tensor& bmat, const Tensor& out);

  // ---- softmax ----
  // Along `dim`; out contiguous like in's shape; log selects log_softmax.
  virtual void softmax(const Tensor& in, int64_t dim, bool log, const Tensor& out);

  // ---- indexing ----
  // out = in.index_select(dim, index); index int64 1-D, values checked by the op.
  virtual void index_select(const Tensor& in, int64_t dim, const Tensor& index,
                            const Tensor& out);
  // self.index_add_(dim, index, src) if accumulate else self.index_copy_(dim, index, src).
  virtual void index_put(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                         bool accumulate);
  virtual void gather(const Tensor& in, int64_t dim, const Tensor& index, const Tensor& out);
  // self[...index...] (+)= src along dim, in place.
  virtual void scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                       bool accumulate);
  // Coordinates of non-zero elements, [n, ndim] int64 on this device.
  virtual Tensor nonzero(const Tensor& in);

 protected:
  [[noreturn]] void not_implemented(const char* kernel) const;
};

// The backend serving `type`; throws RuntimeError when the build has none.
Backend& backend_for(DeviceType type);
inline Backend& backend_for(const Device& device) { return backend_for(device.type); }
bool has_backend(DeviceType type);
// Called once by each backend at load time.
void register_backend(DeviceType type, Backend* backend);

}  // namespace deepseek
