// nn::utils gradient clipping from C++, against norms computed by hand (the Python tests
// compare the same functions with torch).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

namespace {

// Two parameters with gradients [3, 4] and [12] (joint 2-norm 13), and one without.
TensorList params_with_grads() {
  TensorList params;
  for (const std::vector<double>& grad : {std::vector<double>{3, 4}, {12}, {}}) {
    Tensor p = zeros({static_cast<int64_t>(std::max<size_t>(grad.size(), 1))}, kF64);
    p.requires_grad_(true);
    if (!grad.empty()) p.set_grad(tensor_from(grad, kF64));
    params.push_back(p);
  }
  return params;
}

}  // namespace

TEST(NNUtils, ClipGradNormScalesAllGradientsByTheJointNorm) {
  const TensorList params = params_with_grads();
  const Tensor total = nn::utils::clip_grad_norm_(params, 6.5);
  EXPECT_EQ(total.dim(), 0);
  EXPECT_NEAR(total.item<double>(), 13.0, 1e-12);
  const double scale = 6.5 / (13.0 + 1e-6);
  EXPECT_NEAR(values(params[0].grad())[0], 3 * scale, 1e-12);
  EXPECT_NEAR(values(params[0].grad())[1], 4 * scale, 1e-12);
  EXPECT_NEAR(values(params[1].grad())[0], 12 * scale, 1e-12);
  EXPECT_FALSE(params[2].grad().defined());
}

TEST(NNUtils, ClipGradNormOtherNormsAndNoClippingBelowTheBound) {
  TensorList params = params_with_grads();
  EXPECT_NEAR(nn::utils::clip_grad_norm_(params, 100.0, 1.0).item<double>(), 19.0, 1e-12);
  EXPECT_EQ(values(params[0].grad()), (std::vector<double>{3, 4}));  // norm below max_norm
  params = params_with_grads();
  EXPECT_NEAR(nn::utils::clip_grad_norm_(params, 6.0, nn::utils::kInfNorm).item<double>(), 12.0,
              1e-12);
  EXPECT_NEAR(values(params[1].grad())[0], 12 * 6.0 / (12.0 + 1e-6), 1e-12);
}

TEST(NNUtils, ClipGradNormWithoutGradientsAndNonFiniteNorms) {
  Tensor p = zeros({2}, kF64);
  p.requires_grad_(true);
  EXPECT_EQ(nn::utils::clip_grad_norm_({p}, 1.0).item<double>(), 0.0);
  p.set_grad(tensor_from(std::vector<double>{std::numeric_limits<double>::quiet_NaN(), 1.0}));
  expect_error_with([&] { nn::utils::clip_grad_norm_({p}, 1.0, 2.0, true); },
                    "The total norm of order 2.0 for gradients from `parameters` is non-finite");
  EXPECT_TRUE(std::isnan(nn::utils::clip_grad_norm_({p}, 1.0).item<double>()));
}

TEST(NNUtils, ClipGradValueClampsEveryElement) {
  const TensorList params = params_with_grads();
  nn::utils::clip_grad_value_(params, 3.5);
  EXPECT_EQ(values(params[0].grad()), (std::vector<double>{3, 3.5}));
  EXPECT_EQ(values(params[1].grad()), (std::vector<double>{3.5}));
}
