// Trains an MLP classifier on Fashion-MNIST with the C++ API: an nn::Sequential model, a
// shuffling DataLoader, CrossEntropyLoss and Adam with a
// cosine learning-rate decay. Two epochs reach about 0.87 test
// accuracy; the program exits non-zero when a full run falls short of its bar.
//
// Data: Debian's fashion-mnist package (/usr/share/datasets/fashion-mnist). Without it (or
// with --synthetic) a synthetic stand-in of the same shape is used, and the program says so.
//
//   build/examples/cpp/fmnist_mlp [--epochs 2] [--max-steps N] [--data DIR]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <numbers>

#include "deepseek/deepseek.h"
#include "fmnist.h"
#include "progress.h"

namespace ds = deepseek;
namespace nn = deepseek::nn;

int main(int argc, char** argv) try {
  const examples::FmnistFlags flags = examples::parse_fmnist_flags(
      argc, argv, {}, "Trains a 784-512-256-10 MLP on Fashion-MNIST with Adam.");
  // What a healthy run reaches after two epochs; below it the program fails.
  const std::map<std::string, double> min_accuracy = {{"fashion-mnist", 0.85}, {"synthetic", 0.90}};
  ds::manual_seed(flags.seed);
  const examples::FmnistSplits data = examples::load_fmnist(flags);
  ds::data::DataLoader train_loader(
      data.train_images, data.train_labels,
      {.batch_size = flags.batch_size, .shuffle = true, .seed = flags.seed});

  auto model = std::make_shared<nn::Sequential>(nn::Flatten(),         //
                                                nn::Linear(784, 512),  //
                                                nn::ReLU(),            //
                                                nn::Linear(512, 256),  //
                                                nn::ReLU(),            //
                                                nn::Linear(256, 10));
  std::printf("%s\n", model->repr().c_str());
  int64_t parameter_count = 0;
  for (const ds::Tensor& p : model->parameters()) parameter_count += p.numel();
  std::printf("parameters: %lld\n", static_cast<long long>(parameter_count));

  nn::CrossEntropyLoss criterion;
  ds::optim::Adam optimizer(model->parameters(), {.lr = flags.lr});

  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const bool quick = flags.max_steps > 0;
  const int64_t total_steps = flags.epochs * train_loader.size();
  int64_t step = 0;
  double test_accuracy = 0;
  for (int epoch = 1; epoch <= flags.epochs; ++epoch) {
    model->train();
    const int64_t total =
        quick ? std::min(flags.max_steps - step, train_loader.size()) : train_loader.size();
    examples::ProgressBar bar("epoch " + std::to_string(epoch) + "/" + std::to_string(flags.epochs),
                              total, "img");
    double running_loss = 0;
    for (auto [images, labels] : train_loader) {
      // Cosine annealing from --lr to 0 over the run, step by step (CosineAnnealingLR).
      const double lr = 0.5 * flags.lr * (1 + std::cos(std::numbers::pi * step / total_steps));
      for (auto& group : optimizer.param_groups()) group["lr"] = lr;

      ds::Tensor logits = model->forward(images);
      ds::Tensor loss = criterion(logits, labels);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();

      const double value = loss.item<double>();
      running_loss = step == 0 ? value : 0.95 * running_loss + 0.05 * value;
      bar.set_postfix({{"loss", running_loss}});
      bar.step(images.size(0));
      ++step;
      if (step == 1 || step == flags.max_steps)
        std::printf("step %lld loss %.4f\n", static_cast<long long>(step), value);
      if (quick && step >= flags.max_steps) break;
    }
    bar.close();
    // A quick check scores a slice of the test set; a real run all of it.
    const int64_t scored =
        quick ? std::min<int64_t>(1000, data.test_images.size(0)) : data.test_images.size(0);
    test_accuracy = examples::accuracy(*model, data.test_images.narrow(0, 0, scored),
                                       data.test_labels.narrow(0, 0, scored));
    std::printf("epoch %d: train loss %.4f  test accuracy %.4f  (%.1f s)\n", epoch, running_loss,
                test_accuracy, seconds());
    std::fflush(stdout);
    if (quick && step >= flags.max_steps) break;
  }

  std::printf("final test accuracy (%s): %.4f in %.1f s\n", data.name.c_str(), test_accuracy,
              seconds());
  // The bar is for full runs of the default length or longer.
  const double bar = min_accuracy.at(data.name);
  if (!quick && flags.epochs >= 2 && test_accuracy < bar) {
    std::fprintf(stderr, "FAILED: expected a test accuracy of at least %.2f\n", bar);
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
