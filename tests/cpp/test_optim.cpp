// C++ optimizers: hand-computed updates, option edits, state_dict round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "deepseek/deepseek.h"
#include "deepseek/optim/adagrad.h"
#include "deepseek/optim/adam.h"
#include "deepseek/optim/rmsprop.h"
#include "deepseek/optim/sgd.h"

using namespace deepseek;

namespace {
Tensor param(std::vector<double> v) {
  return tensor_from(v, TensorOptions(DType::Float64).set_requires_grad(true));
}
void set_grad(const Tensor& p, std::vector<double> g) {
  p.set_grad(tensor_from(g, DType::Float64));
}
}  // namespace

TEST(Optim, SgdMomentumMatchesHandComputation) {
  Tensor p = param({1.0, -2.0});
  optim::SGD opt({p}, {.lr = 0.1, .momentum = 0.9});
  double buf = 0, x = 1.0;
  for (int i = 0; i < 3; ++i) {
    set_grad(p, {0.5, 0.25});
    opt.step();
    buf = i == 0 ? 0.5 : 0.9 * buf + 0.5;
    x -= 0.1 * buf;
  }
  EXPECT_NEAR(p.select(0, 0).item<double>(), x, 1e-14);
}

TEST(Optim, AdamFirstStepMovesByLearningRate) {
  Tensor p = param({1.0, -2.0});
  optim::Adam opt({p}, {.lr = 0.1});
  set_grad(p, {3.0, -0.5});
  opt.step();
  EXPECT_NEAR(p.select(0, 0).item<double>(), 0.9, 1e-6);
  EXPECT_NEAR(p.select(0, 1).item<double>(), -1.9, 1e-6);
}

TEST(Optim, AdamWDecaysWithoutGradient) {
  Tensor p = param({2.0});
  optim::AdamW opt({p}, {.lr = 0.1, .weight_decay = 0.5});
  set_grad(p, {0.0});
  opt.step();
  EXPECT_NEAR(p.item<double>(), 2.0 * (1 - 0.05), 1e-14);
}

TEST(Optim, RmspropAndAdagradFirstStep) {
  Tensor a = param({1.0}), b = param({1.0});
  optim::RMSprop r({a}, {.lr = 0.01, .alpha = 0.9});
  optim::Adagrad g({b}, {.lr = 0.5});
  set_grad(a, {0.3});
  set_grad(b, {0.3});
  r.step();
  g.step();
  EXPECT_NEAR(a.item<double>(), 1.0 - 0.01 * 0.3 / (std::sqrt(0.1 * 0.09) + 1e-8), 1e-14);
  EXPECT_NEAR(b.item<double>(), 1.0 - 0.5 * 0.3 / (0.3 + 1e-10), 1e-14);
}

TEST(Optim, EditedLearningRateApplies) {
  Tensor p = param({1.0});
  optim::SGD opt({p}, {.lr = 0.1});
  opt.param_groups()[0]["lr"] = 1.0;
  set_grad(p, {1.0});
  opt.step();
  EXPECT_NEAR(p.item<double>(), 0.0, 1e-15);
}

TEST(Optim, StateDictRoundTripResumesExactly) {
  auto train = [](const Tensor& w, optim::Optimizer& opt, int from, int to) {
    for (int i = from; i < to; ++i) {
      Tensor loss = (w * static_cast<double>(i + 1)).tanh().square().sum();
      loss.backward();
      opt.step();
      opt.zero_grad();
    }
  };
  Tensor full = param({0.5, -0.3, 0.8});
  optim::Adam full_opt({full}, {.lr = 0.05, .amsgrad = true});
  train(full, full_opt, 0, 8);

  Tensor w = param({0.5, -0.3, 0.8});
  optim::Adam opt({w}, {.lr = 0.05, .amsgrad = true});
  train(w, opt, 0, 4);
  optim::OptimizerStateDict saved = opt.state_dict();
  Tensor w2 = param({0, 0, 0});
  {
    autograd::NoGradGuard g;
    w2.copy_(w);
  }
  optim::Adam opt2({w2}, {.lr = 0.05, .amsgrad = true});
  opt2.load_state_dict(saved);
  train(w2, opt2, 4, 8);
  EXPECT_TRUE(eq(w2, full).all().item<bool>());
}

// optim::save / optim::load: the state dict through a checkpoint file resumes the same way.
TEST(Optim, SaveAndLoadThroughACheckpointFile) {
  Tensor w = param({0.5, -0.3, 0.8});
  optim::Adam opt({w}, {.lr = 0.05});
  for (int i = 0; i < 3; ++i) {
    w.square().sum().backward();
    opt.step();
    opt.zero_grad();
  }
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "deepseek_optim.safetensors").string();
  optim::save(opt, path);
  optim::Adam restored({w}, {.lr = 1.0});  // options come back from the file too
  optim::load(restored, path);
  std::filesystem::remove(path);
  const optim::OptimizerStateDict want = opt.state_dict(), got = restored.state_dict();
  EXPECT_EQ(got.metadata, want.metadata);
  ASSERT_EQ(got.tensors.size(), want.tensors.size());
  for (const auto& [name, t] : want.tensors) {
    ASSERT_TRUE(got.tensors.count(name)) << name;
    EXPECT_TRUE(eq(got.tensors.at(name), t).all().item<bool>()) << name;
  }
  EXPECT_DOUBLE_EQ(restored.param_groups()[0].option("lr"), 0.05);
}

TEST(Optim, StateDictFromValueRejectsOtherShapes) {
  EXPECT_THROW(optim::state_dict_from_value(io::Value(3)), TypeError);
  EXPECT_THROW(optim::state_dict_from_value(io::Value::dict({{"tensors", io::Value::dict({})}})),
               TypeError);  // no "metadata"
  const io::Value int_keys =
      io::Value::dict({{"tensors", io::Value::dict({{int64_t{0}, io::Value(ones({1}))}})},
                       {"metadata", io::Value::dict({})}});
  EXPECT_THROW(optim::state_dict_from_value(int_keys), TypeError);
  const io::Value text_for_tensor =
      io::Value::dict({{"tensors", io::Value::dict({{"state.0.exp_avg", io::Value("x")}})},
                       {"metadata", io::Value::dict({})}});
  EXPECT_THROW(optim::state_dict_from_value(text_for_tensor), TypeError);
}

TEST(Optim, MisuseThrows) {
  Tensor p = param({1.0});
  EXPECT_THROW(optim::SGD({}, {.lr = 0.1}), ValueError);
  EXPECT_THROW(optim::Adam({p}, {.lr = -1.0}), ValueError);
  EXPECT_THROW(optim::SGD({p * 2.0}, {.lr = 0.1}), ValueError);
  optim::SGD opt({p}, {.lr = 0.1});
  EXPECT_THROW(opt.load_state_dict({}), ValueError);
}

TEST(Optim, AdamWDefaultsToPyTorchWeightDecay) {
  Tensor p = param({2.0});
  optim::AdamW opt({p}, {.lr = 0.1});
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].option("weight_decay"), 0.01);
}
