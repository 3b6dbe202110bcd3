// The CPU backend: OpenMP loops over StridedLoop, oneDNN for matmul.
#pragma once

#include "deepseek/backend/backend.h"

namespace deepseek::cpu {

class CpuBackend final : public Backend {
 public:
  DeviceType device_type() const override { return DeviceType::CPU; }
  const char* name() const override { return "cpu"; }
  int device_count() const override { return 1; }

  void copy(const Tensor& src, const Tensor& dst) override;
  void copy_to_host(const Tensor& src, const Tensor& host_dst) override;
  void copy_from_host(const Tensor& host_src, const Tensor& dst) override;
  void fill(const Tensor& out, const Scalar& value) override;
  void arange(const Tensor& out, double start, double step) override;
  void random(RandomKind kind, const Tensor& out, uint64_t seed, uint64_t offset, double a,
              double b) override;

  void unary(UnaryOp op, const Tensor& in, const Tensor& out, const UnaryParams& p) override;
  void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) override;
  void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) override;

  void reduce(ReduceOp op, const Tensor& in, const std::vector<int64_t>& dims,
              const Tensor& out) override;
  void arg_reduce(ArgReduceOp op, const Tensor& in, int64_t dim, const Tensor& values,
                  const Tensor& indices) override;

  void matmul(const Tensor& a, const Tensor& b, const Tensor& out) override;
  void softmax(const Tensor& in, int64_t dim, bool log, const Tensor& out) override;

  void index_select(const Tensor& in, int64_t dim, const Tensor& index,
                    const Tensor& out) override;
  void index_put(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                 bool accumulate) override;
  void gather(const Tensor& in, int64_t dim, const Tensor& index, const Tensor& out) override;
  void scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
               bool accumulate) override;
  Tensor nonzero(const Tensor& in) override;
};

}  // namespace deepseek::cpu
