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

  void sort(const Tensor& in, int64_t dim, int64_t k, bool descending, const Tensor& values,
            const Tensor& indices) override;  // sort_kernels.cpp
  void scan(ScanOp op, const Tensor& in, int64_t dim, const Tensor& out,
            const Tensor& indices) override;  // scan_kernels.cpp
  void multinomial(const Tensor& probs, int64_t num_samples, bool replacement, uint64_t seed,
                   uint64_t offset, const Tensor& out) override;  // multinomial_kernels.cpp

  // ---- neural-network kernels ----
  void conv_forward(const ConvParams& p, const Tensor& input, const Tensor& weight,
                    const Tensor& bias, const Tensor& out) override;  // conv_kernels.cpp
  void conv_backward_input(const ConvParams& p, const Tensor& grad_out, const Tensor& weight,
                           const Tensor& grad_input) override;
  void conv_backward_weight(const ConvParams& p, const Tensor& grad_out, const Tensor& input,
                            const Tensor& grad_weight, const Tensor& grad_bias) override;
  void pool_forward(const PoolParams& p, const Tensor& in, const Tensor& out,
                    const Tensor& indices) override;  // pool_kernels.cpp
  void pool_backward(const PoolParams& p, const Tensor& grad_out, const Tensor& indices,
                     const Tensor& grad_in) override;
  void norm_forward(const NormParams& p, const Tensor& x, const Tensor& weight,
                    const Tensor& bias, const Tensor& out, const Tensor& mean,
                    const Tensor& rstd) override;  // norm_kernels.cpp
  void norm_backward(const NormParams& p, const Tensor& grad_out, const Tensor& x,
                     const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                     const Tensor& grad_x, const Tensor& grad_weight,
                     const Tensor& grad_bias) override;
  void attention_forward(const AttentionParams& p, const Tensor& q, const Tensor& k,
                         const Tensor& v, const Tensor& mask, const Tensor& out,
                         const Tensor& lse) override;  // attention_kernels.cpp
  void attention_backward(const AttentionParams& p, const Tensor& grad_out, const Tensor& q,
                          const Tensor& k, const Tensor& v, const Tensor& mask,
                          const Tensor& out, const Tensor& lse, const Tensor& grad_q,
                          const Tensor& grad_k, const Tensor& grad_v,
                          const Tensor& grad_mask) override;

  void sgd_update(const SgdHyper& h, const TensorList& params, const TensorList& grads,
                  const TensorList& momentum_buffers, const std::vector<bool>& init_buffer) override;
  void adam_update(const AdamHyper& h, const TensorList& params, const TensorList& grads,
                   const TensorList& exp_avg, const TensorList& exp_avg_sq,
                   const TensorList& max_exp_avg_sq, const std::vector<double>& steps) override;
  void rmsprop_update(const RmspropHyper& h, const TensorList& params, const TensorList& grads,
                      const TensorList& square_avg, const TensorList& grad_avg,
                      const TensorList& momentum_buffers) override;
  void adagrad_update(const AdagradHyper& h, const TensorList& params, const TensorList& grads,
                      const TensorList& state_sum, const std::vector<double>& steps) override;
};

}  // namespace deepseek::cpu
