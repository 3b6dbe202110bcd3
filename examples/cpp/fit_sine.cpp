// Fits y = sin(x) on [-pi, pi] with a 1-32-1 tanh MLP, using raw tensors and autograd:
// parameters are tensors with requires_grad, the step is gradient descent with momentum
// under a NoGradGuard. Prints the loss going down; exits non-zero if it did not fit.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "deepseek/deepseek.h"

namespace ds = deepseek;

namespace {

struct Mlp {
  ds::Tensor w1, b1, w2, b2;

  explicit Mlp(int64_t hidden) {
    // Scaled normal initialisation; requires_grad_ marks each leaf as a parameter.
    w1 = (ds::randn({1, hidden}) * 1.0).requires_grad_();
    b1 = ds::zeros({hidden}).requires_grad_();
    w2 = (ds::randn({hidden, 1}) * (1.0 / std::sqrt(static_cast<double>(hidden)))).requires_grad_();
    b2 = ds::zeros({1}).requires_grad_();
  }

  ds::Tensor operator()(const ds::Tensor& x) const {
    return ds::tanh(x.matmul(w1) + b1).matmul(w2) + b2;
  }

  std::vector<ds::Tensor> parameters() const { return {w1, b1, w2, b2}; }
};

}  // namespace

int main() {
  ds::manual_seed(0);
  const int64_t samples = 256;
  const ds::Tensor x = ds::linspace(-std::numbers::pi, std::numbers::pi, samples).unsqueeze(1);
  const ds::Tensor y = ds::sin(x);

  Mlp model(32);
  const std::vector<ds::Tensor> params = model.parameters();
  std::vector<ds::Tensor> velocities;
  for (const ds::Tensor& p : params) velocities.push_back(ds::zeros_like(p));
  const double lr = 0.005, momentum = 0.9;
  const int steps = 2000;
  float first_loss = 0, loss_value = 0;
  for (int step = 0; step <= steps; ++step) {
    const ds::Tensor loss = (model(x) - y).square().mean();
    loss.backward();
    {
      ds::autograd::NoGradGuard no_grad;
      for (size_t i = 0; i < params.size(); ++i) {
        velocities[i] = velocities[i] * momentum + params[i].grad();
        params[i].sub_(velocities[i], lr);
        params[i].grad().zero_();
      }
    }
    loss_value = loss.item<float>();
    if (step == 0) first_loss = loss_value;
    if (step % 250 == 0) std::printf("step %4d  mse %.6f\n", step, loss_value);
  }

  const bool fitted = loss_value < 0.01f && loss_value < first_loss / 10;
  std::printf("%s: mse %.6f -> %.6f\n", fitted ? "fitted" : "NOT fitted", first_loss, loss_value);
  return fitted ? 0 : 1;
}
