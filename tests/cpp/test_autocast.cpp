// Autocast through the C++ API: the thread-local state and its guard, the policy table for
// both device types (CUDA rows are checked as data: casting CUDA tensors needs a device and
// is covered by tests/python/test_autocast.py where one is lent), the casts, the weight
// cache, and ops, gradients and nn modules inside a region.
#include <gtest/gtest.h>

#include <thread>

#include "deepseek/amp/autocast.h"
#include "deepseek/deepseek.h"

using namespace deepseek;
using autocast::AutocastGuard;
using autocast::Policy;

namespace {

double max_abs_diff(const Tensor& a, const Tensor& b) {
  return amax(abs(sub(a.to(DType::Float64), b.to(DType::Float64)))).item<double>();
}

Tensor uniform(const Shape& shape, bool grad = false) {
  Tensor t = sub(rand(shape), wrapped_scalar(0.5));
  if (grad) t.requires_grad_(true);
  return t;
}

}  // namespace

TEST(Autocast, DefaultStateIsOffWithTorchDefaultDtypes) {
  EXPECT_FALSE(autocast::is_enabled(DeviceType::CPU));
  EXPECT_FALSE(autocast::is_enabled(DeviceType::CUDA));
  EXPECT_EQ(autocast::get_dtype(DeviceType::CPU), DType::BFloat16);
  EXPECT_EQ(autocast::get_dtype(DeviceType::CUDA), DType::Float16);
  EXPECT_TRUE(autocast::is_cache_enabled());
}

TEST(Autocast, GuardsNestAndRestoreTheStateTheyFound) {
  {
    AutocastGuard region(DeviceType::CPU);
    EXPECT_TRUE(autocast::is_enabled(DeviceType::CPU));
    EXPECT_FALSE(autocast::is_enabled(DeviceType::CUDA));
    {
      AutocastGuard off(DeviceType::CPU, false);
      EXPECT_FALSE(autocast::is_enabled(DeviceType::CPU));
      {
        AutocastGuard half(DeviceType::CPU, true, DType::Float16, false);
        EXPECT_TRUE(autocast::is_enabled(DeviceType::CPU));
        EXPECT_EQ(autocast::get_dtype(DeviceType::CPU), DType::Float16);
        EXPECT_FALSE(autocast::is_cache_enabled());
      }
      EXPECT_FALSE(autocast::is_enabled(DeviceType::CPU));
      EXPECT_EQ(autocast::get_dtype(DeviceType::CPU), DType::BFloat16);
      EXPECT_TRUE(autocast::is_cache_enabled());
    }
    EXPECT_TRUE(autocast::is_enabled(DeviceType::CPU));
    {
      AutocastGuard cuda(DeviceType::CUDA, true, DType::BFloat16);
      EXPECT_TRUE(autocast::is_enabled(DeviceType::CUDA));
      EXPECT_EQ(autocast::get_dtype(DeviceType::CUDA), DType::BFloat16);
      EXPECT_EQ(autocast::get_dtype(DeviceType::CPU), DType::BFloat16);
    }
    EXPECT_FALSE(autocast::is_enabled(DeviceType::CUDA));
    EXPECT_EQ(autocast::get_dtype(DeviceType::CUDA), DType::Float16);
  }
  EXPECT_FALSE(autocast::is_enabled(DeviceType::CPU));
  EXPECT_EQ(autocast::increment_nesting(), 1);  // the guards left the nesting at 0
  EXPECT_EQ(autocast::decrement_nesting(), 0);
}

TEST(Autocast, OnlyReducedFloatDtypes) {
  EXPECT_THROW(autocast::set_dtype(DeviceType::CPU, DType::Float32), RuntimeError);
  EXPECT_THROW(AutocastGuard(DeviceType::CUDA, true, DType::Int64), RuntimeError);
  EXPECT_FALSE(autocast::is_enabled(DeviceType::CUDA));  // the failed guard changed nothing
  EXPECT_EQ(autocast::get_dtype(DeviceType::CUDA), DType::Float16);
}

TEST(Autocast, PolicyTableFollowsTorchsListsPerDeviceType) {
  const DeviceType cpu = DeviceType::CPU, cuda = DeviceType::CUDA;
  for (const char* op : {"mm", "bmm", "matmul", "addmm", "baddbmm", "linear", "conv1d", "conv2d",
                         "scaled_dot_product_attention"}) {
    EXPECT_EQ(autocast::policy(op, cpu), Policy::LowerPrecision) << op;
    EXPECT_EQ(autocast::policy(op, cuda), Policy::LowerPrecision) << op;
  }
  for (const char* op : {"cross_entropy", "nll_loss", "mse_loss", "l1_loss", "kl_div", "prod",
                         "binary_cross_entropy_with_logits"}) {
    EXPECT_EQ(autocast::policy(op, cpu), Policy::Float32) << op;
    EXPECT_EQ(autocast::policy(op, cuda), Policy::Float32) << op;
  }
  // float32 on CUDA only: the CPU lists leave these in the input dtype
  for (const char* op : {"softmax", "log_softmax", "layer_norm", "group_norm", "sum", "cumsum",
                         "exp", "log", "pow", "rsqrt", "norm", "__rtruediv__"}) {
    EXPECT_EQ(autocast::policy(op, cpu), Policy::None) << op;
    EXPECT_EQ(autocast::policy(op, cuda), Policy::Float32) << op;
  }
  EXPECT_EQ(autocast::policy("dot", cuda), Policy::Promote);
  EXPECT_EQ(autocast::policy("binary_cross_entropy", cpu), Policy::Float32);
  EXPECT_EQ(autocast::policy("binary_cross_entropy", cuda), Policy::Banned);
  EXPECT_EQ(autocast::policy("batch_norm", cuda), Policy::None);
  EXPECT_THROW(autocast::policy("not_an_op", cpu), RuntimeError);
}

TEST(Autocast, CastsOnlyEligibleTensorsOfEnabledDeviceTypes) {
  Tensor f32 = uniform({2, 2}), f64 = f32.to(DType::Float64), i64 = ones({2}, DType::Int64);
  Tensor bf16 = f32.to(DType::BFloat16);
  EXPECT_EQ(autocast::lower(f32).impl(), f32.impl());  // outside a region: unchanged
  EXPECT_EQ(autocast::to_float32(bf16).impl(), bf16.impl());
  {
    AutocastGuard cuda_only(DeviceType::CUDA);
    EXPECT_EQ(autocast::lower(f32).impl(), f32.impl());  // a CPU tensor in a CUDA region
  }
  AutocastGuard region(DeviceType::CPU);
  EXPECT_EQ(autocast::lower(f32).dtype(), DType::BFloat16);
  EXPECT_EQ(max_abs_diff(autocast::lower(f32), bf16), 0.0);
  EXPECT_EQ(autocast::lower(f32.to(DType::Float16)).dtype(), DType::BFloat16);
  EXPECT_EQ(autocast::lower(f64).impl(), f64.impl());
  EXPECT_EQ(autocast::lower(i64).impl(), i64.impl());
  EXPECT_EQ(autocast::lower(bf16).impl(), bf16.impl());
  EXPECT_EQ(autocast::to_float32(bf16).dtype(), DType::Float32);
  EXPECT_EQ(autocast::to_float32(f64).impl(), f64.impl());
  EXPECT_FALSE(autocast::lower(Tensor()).defined());
}

TEST(Autocast, OpsInARegionFollowTheirPolicy) {
  manual_seed(0);
  Tensor a = uniform({4, 8}), b = uniform({8, 6}), bias = uniform({6});
  Tensor target = tensor_from<int64_t>({0, 5, 2, 3});
  AutocastGuard region(DeviceType::CPU);
  Tensor prod = mm(a, b);
  ASSERT_EQ(prod.dtype(), DType::BFloat16);
  {
    AutocastGuard off(DeviceType::CPU, false);
    Tensor expected = mm(a.to(DType::BFloat16), b.to(DType::BFloat16));
    EXPECT_EQ(max_abs_diff(prod, expected), 0.0);
  }
  EXPECT_EQ(matmul(a, b.to(DType::BFloat16)).dtype(), DType::BFloat16);  // mixed inputs
  EXPECT_EQ(linear(a, t(b), bias).dtype(), DType::BFloat16);
  EXPECT_EQ(addmm(bias, a, b).dtype(), DType::BFloat16);
  EXPECT_EQ(conv2d(uniform({1, 2, 5, 5}), uniform({3, 2, 3, 3}), uniform({3})).dtype(),
            DType::BFloat16);
  EXPECT_EQ(cross_entropy(prod, target).dtype(), DType::Float32);
  EXPECT_EQ(mse_loss(prod, prod).dtype(), DType::Float32);
  EXPECT_EQ(softmax(prod, 1).dtype(), DType::BFloat16);
  EXPECT_EQ(softmax(a, 1).dtype(), DType::Float32);
  EXPECT_EQ(layer_norm(prod, {6}, ones({6}), zeros({6})).dtype(), DType::BFloat16);
  EXPECT_EQ(mm(a.to(DType::Float64), b.to(DType::Float64)).dtype(), DType::Float64);
  EXPECT_EQ(dot(a.select(0, 0), b.select(1, 0)).dtype(), DType::Float32);  // dot: CPU lists
}

TEST(Autocast, GradientsReachFloat32LeavesInFloat32) {
  manual_seed(1);
  Tensor a = uniform({3, 4}, true), b = uniform({4, 2}, true);
  Tensor loss;
  {
    AutocastGuard region(DeviceType::CPU);
    loss = sum(mm(a, b).to(DType::Float32));
  }
  loss.backward();
  ASSERT_TRUE(a.grad().defined() && b.grad().defined());
  EXPECT_EQ(a.grad().dtype(), DType::Float32);
  EXPECT_EQ(b.grad().dtype(), DType::Float32);
  // d sum(a b) / d a = ones b^T, from the bfloat16 copy of b
  Tensor expected = mm(ones({3, 2}), t(b.detach().to(DType::BFloat16).to(DType::Float32)));
  EXPECT_LT(max_abs_diff(a.grad(), expected), 1e-2);
}

TEST(Autocast, NnModulesRunInTheRegion) {
  manual_seed(2);
  nn::Linear fc(4, 3);
  Tensor x = uniform({2, 4});
  Tensor y;
  {
    AutocastGuard region(DeviceType::CPU);
    y = fc.forward(x);
    EXPECT_EQ(y.dtype(), DType::BFloat16);
  }
  EXPECT_EQ(fc.forward(x).dtype(), DType::Float32);
  sum(y.to(DType::Float32)).backward();
  EXPECT_EQ(fc.weight.grad().dtype(), DType::Float32);
  EXPECT_EQ(fc.bias.grad().dtype(), DType::Float32);
}

TEST(Autocast, CudaRegionLeavesCpuTensorsAlone) {
  AutocastGuard region(DeviceType::CUDA);
  EXPECT_TRUE(autocast::is_enabled(DeviceType::CUDA));
  EXPECT_EQ(mm(uniform({2, 3}), uniform({3, 2})).dtype(), DType::Float32);
  EXPECT_EQ(softmax(uniform({2, 3}).to(DType::Float16), 1).dtype(), DType::Float16);
}

TEST(Autocast, ParameterCastsAreCachedPerVersionWithinTheOutermostRegion) {
  Tensor w = uniform({3, 3}, true);
  Tensor first, again;
  {
    AutocastGuard region(DeviceType::CPU);
    first = autocast::lower(w);
    {
      AutocastGuard inner(DeviceType::CPU);
      again = autocast::lower(w);
    }
    EXPECT_EQ(first.impl(), again.impl());  // leaving a nested region keeps the cache
    {
      autograd::NoGradGuard no_grad;
      Tensor under_no_grad = autocast::lower(w);
      EXPECT_NE(under_no_grad.impl(), first.impl());  // a cast without a graph is not reused
      w.mul_(wrapped_scalar(2.0));
    }
    Tensor after_update = autocast::lower(w);
    EXPECT_NE(after_update.impl(), first.impl());
    EXPECT_EQ(max_abs_diff(after_update, w.detach().to(DType::BFloat16)), 0.0);  // new values
    Tensor activation = mul(w, wrapped_scalar(1.0));  // not a leaf: never cached
    EXPECT_NE(autocast::lower(activation).impl(), autocast::lower(activation).impl());
  }
  {
    AutocastGuard region(DeviceType::CPU);
    EXPECT_NE(autocast::lower(w).impl(), first.impl());  // the outermost exit cleared it
  }
  {
    AutocastGuard region(DeviceType::CPU, true, std::nullopt, false);
    EXPECT_NE(autocast::lower(w).impl(), autocast::lower(w).impl());
  }
}

TEST(Autocast, SuspendGuardStopsCastingButKeepsTheState) {
  AutocastGuard region(DeviceType::CPU);
  autocast::SuspendGuard suspend;
  EXPECT_TRUE(autocast::is_enabled(DeviceType::CPU));
  EXPECT_EQ(mm(uniform({2, 3}), uniform({3, 2})).dtype(), DType::Float32);
}

TEST(Autocast, StateIsPerThread) {
  AutocastGuard region(DeviceType::CPU);
  bool other_enabled = true;
  DType other_dtype = DType::BFloat16;
  std::thread worker([&] {
    other_enabled = autocast::is_enabled(DeviceType::CPU);
    other_dtype = mm(ones({2, 2}), ones({2, 2})).dtype();
  });
  worker.join();
  EXPECT_FALSE(other_enabled);
  EXPECT_EQ(other_dtype, DType::Float32);
  EXPECT_EQ(mm(ones({2, 2}), ones({2, 2})).dtype(), DType::BFloat16);
}
