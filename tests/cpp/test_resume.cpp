// Resuming training from a checkpoint, the way examples/cpp/gpt_char.cpp does it: 20 steps,
// then the model's state dict, the optimizer's state dict and the global random state go
// into one safetensors file (deepseek::save); freshly built objects load it and train 20
// more steps. The result must be bit-for-bit the one of 40 uninterrupted steps: parameters,
// BatchNorm buffers and optimizer state alike, with Dropout drawing the same masks.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "deepseek/deepseek.h"

using namespace deepseek;

namespace {

constexpr int kHalf = 20, kBatch = 16;

// A model, the optimizer over it, and a fixed data set of which step k uses batch k mod 4.
struct Recipe {
  std::function<std::shared_ptr<nn::UnaryModule>()> model;
  std::function<std::unique_ptr<optim::Optimizer>(nn::Module&)> optimizer;
  Tensor inputs, targets;  // 4 * kBatch samples
};

struct TrainingRun {
  std::shared_ptr<nn::UnaryModule> model;
  std::unique_ptr<optim::Optimizer> optimizer;
};

// Builds a run's objects; the seed sets their initial (random) values.
TrainingRun build(const Recipe& recipe, uint64_t seed) {
  manual_seed(seed);
  TrainingRun run;
  run.model = recipe.model();
  run.optimizer = recipe.optimizer(*run.model);
  return run;
}

void train(TrainingRun& run, const Recipe& recipe, int from, int to) {
  run.model->train();
  for (int step = from; step < to; ++step) {
    const int64_t start = (step % 4) * kBatch;
    const Tensor x = recipe.inputs.narrow(0, start, kBatch);
    const Tensor y = recipe.targets.narrow(0, start, kBatch);
    const Tensor loss = cross_entropy(run.model->forward(x), y);
    run.optimizer->zero_grad();
    loss.backward();
    run.optimizer->step();
  }
}

void save_checkpoint(const std::string& path, const TrainingRun& run) {
  save(io::Value::dict({{"model", nn::to_value(run.model->state_dict())},
                        {"optimizer", optim::to_value(run.optimizer->state_dict())},
                        {"rng_state", get_rng_state()}}),
       path);
}

void load_checkpoint(const std::string& path, TrainingRun& run, bool restore_random_state = true) {
  const io::Value checkpoint = load(path);
  run.model->load_state_dict(nn::state_dict_from_value(checkpoint["model"]));
  run.optimizer->load_state_dict(optim::state_dict_from_value(checkpoint["optimizer"]));
  if (restore_random_state) set_rng_state(checkpoint["rng_state"].tensor());
}

bool same_bits(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.sizes() != b.sizes()) return false;
  const Tensor ca = a.cpu().contiguous(), cb = b.cpu().contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0;
}

// Every entry of `actual` has exactly the bits of the same entry of `expected`; returns the
// names that differ (empty when all agree).
std::vector<std::string> differing(const std::map<std::string, Tensor>& expected,
                                   const std::map<std::string, Tensor>& actual) {
  std::vector<std::string> names;
  for (const auto& [name, t] : expected) {
    auto it = actual.find(name);
    if (it == actual.end() || !same_bits(t, it->second)) names.push_back(name);
  }
  for (const auto& [name, t] : actual) {
    if (!expected.count(name)) names.push_back(name);
  }
  return names;
}

std::map<std::string, Tensor> model_state(const TrainingRun& run) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, t] : run.model->state_dict()) out[name] = t;
  return out;
}

std::string scratch_file(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / ("deepseek_resume_" + name)).string();
}

// 40 straight steps against 20 + save + load into fresh objects + 20.
void expect_resume_is_exact(const Recipe& recipe, const std::string& name) {
  TrainingRun straight = build(recipe, 7);
  train(straight, recipe, 0, 2 * kHalf);

  TrainingRun first = build(recipe, 7);
  train(first, recipe, 0, kHalf);
  const std::string path = scratch_file(name + ".safetensors");
  save_checkpoint(path, first);
  // The check is not vacuous: the second half still changes the model.
  EXPECT_FALSE(differing(model_state(straight), model_state(first)).empty());

  // Fresh objects under another seed, so that nothing is right by accident.
  TrainingRun resumed = build(recipe, 12345);
  EXPECT_FALSE(differing(model_state(first), model_state(resumed)).empty());
  load_checkpoint(path, resumed);
  EXPECT_EQ(differing(model_state(first), model_state(resumed)), std::vector<std::string>{});
  train(resumed, recipe, kHalf, 2 * kHalf);

  EXPECT_EQ(differing(model_state(straight), model_state(resumed)), std::vector<std::string>{})
      << name << ": the resumed model differs from the uninterrupted one";
  const optim::OptimizerStateDict expected = straight.optimizer->state_dict();
  const optim::OptimizerStateDict actual = resumed.optimizer->state_dict();
  EXPECT_FALSE(expected.tensors.empty()) << name << ": the optimizer kept no state";
  EXPECT_EQ(differing(expected.tensors, actual.tensors), std::vector<std::string>{})
      << name << ": the resumed optimizer state differs";
  EXPECT_EQ(expected.metadata, actual.metadata) << name << ": step counts or groups differ";
  std::filesystem::remove(path);
}

Recipe mlp_recipe(std::function<std::unique_ptr<optim::Optimizer>(nn::Module&)> optimizer) {
  Generator data(99);
  return {[] {
            return std::make_shared<nn::Sequential>(nn::Linear(8, 32), nn::ReLU(),
                                                    nn::Linear(32, 3));
          },
          std::move(optimizer), randn({4 * kBatch, 8}, {}, &data),
          randint(0, 3, {4 * kBatch}, DType::Int64, &data)};
}

Recipe cnn_recipe() {
  Generator data(98);
  return {[] {
            return std::make_shared<nn::Sequential>(
                nn::Conv2d(1, 4, 3, {.padding = 1}), nn::BatchNorm2d(4), nn::ReLU(),
                nn::MaxPool2d(2), nn::Flatten(), nn::Dropout(0.3), nn::Linear(4 * 4 * 4, 3));
          },
          [](nn::Module& m) -> std::unique_ptr<optim::Optimizer> {
            return std::make_unique<optim::AdamW>(m.parameters(), optim::AdamWOptions{.lr = 1e-2});
          },
          randn({4 * kBatch, 1, 8, 8}, {}, &data),
          randint(0, 3, {4 * kBatch}, DType::Int64, &data)};
}

}  // namespace

TEST(Resume, MlpWithAdamContinuesBitForBit) {
  expect_resume_is_exact(mlp_recipe([](nn::Module& m) -> std::unique_ptr<optim::Optimizer> {
                           return std::make_unique<optim::Adam>(m.parameters(),
                                                                AdamHyper{.lr = 1e-2});
                         }),
                         "mlp_adam");
}

TEST(Resume, MlpWithSgdMomentumContinuesBitForBit) {
  expect_resume_is_exact(mlp_recipe([](nn::Module& m) -> std::unique_ptr<optim::Optimizer> {
                           return std::make_unique<optim::SGD>(
                               m.parameters(),
                               SgdHyper{.lr = 0.05, .momentum = 0.9, .weight_decay = 1e-4});
                         }),
                         "mlp_sgd_momentum");
}

TEST(Resume, CnnWithBatchNormBuffersAndDropoutContinuesBitForBit) {
  expect_resume_is_exact(cnn_recipe(), "cnn");
}

// The random state is part of what must be saved: restoring everything but it gives other
// dropout masks and so another model (this shows the CNN test above exercises Dropout).
TEST(Resume, CnnDivergesWithoutTheRandomState) {
  const Recipe recipe = cnn_recipe();
  TrainingRun straight = build(recipe, 7);
  train(straight, recipe, 0, 2 * kHalf);
  TrainingRun first = build(recipe, 7);
  train(first, recipe, 0, kHalf);
  const std::string path = scratch_file("cnn_no_rng.safetensors");
  save_checkpoint(path, first);
  TrainingRun resumed = build(recipe, 12345);
  load_checkpoint(path, resumed, /*restore_random_state=*/false);
  train(resumed, recipe, kHalf, 2 * kHalf);
  EXPECT_FALSE(differing(model_state(straight), model_state(resumed)).empty());
  std::filesystem::remove(path);
}
