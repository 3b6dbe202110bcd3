// What the two Fashion-MNIST examples (fmnist_mlp.cpp, fmnist_cnn.cpp) share: their
// command-line flags, the data (Debian's Fashion-MNIST, or a synthetic stand-in that is
// announced loudly when the files are absent) and the test-accuracy loop.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "deepseek/deepseek.h"

namespace examples {

namespace ds = deepseek;

struct FmnistFlags {
  int epochs = 2;
  int64_t batch_size = 128;
  double lr = 1e-3;
  int64_t max_steps = 0;  // > 0: stop after this many steps (a quick check, not a real run)
  std::string data_dir = ds::data::kFashionMnistRoot;
  bool synthetic = false;
  uint64_t seed = 0;
};

// Parses --epochs N --batch-size N --lr X --max-steps N --data DIR --synthetic --seed N.
// Exits with a usage message on anything else.
inline FmnistFlags parse_fmnist_flags(int argc, char** argv, FmnistFlags flags,
                                      const char* description) {
  auto usage = [&](int status) {
    std::fprintf(status == 0 ? stdout : stderr,
                 "%s\n\nusage: %s [--epochs N] [--batch-size N] [--lr X] [--max-steps N]\n"
                 "          [--data DIR] [--synthetic] [--seed N]\n"
                 "  defaults: --epochs %d --batch-size %lld --lr %g --data %s\n",
                 description, argv[0], flags.epochs, static_cast<long long>(flags.batch_size),
                 flags.lr, flags.data_dir.c_str());
    std::exit(status);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s: %s needs a value\n", argv[0], argv[i]);
        usage(2);
      }
      return argv[++i];
    };
    try {
      if (arg == "--epochs") {
        flags.epochs = std::stoi(value());
      } else if (arg == "--batch-size") {
        flags.batch_size = std::stoll(value());
      } else if (arg == "--lr") {
        flags.lr = std::stod(value());
      } else if (arg == "--max-steps") {
        flags.max_steps = std::stoll(value());
      } else if (arg == "--data") {
        flags.data_dir = value();
      } else if (arg == "--synthetic") {
        flags.synthetic = true;
      } else if (arg == "--seed") {
        flags.seed = std::stoull(value());
      } else if (arg == "--help" || arg == "-h") {
        usage(0);
      } else {
        std::fprintf(stderr, "%s: unknown argument '%s'\n", argv[0], argv[i]);
        usage(2);
      }
    } catch (const std::logic_error&) {  // stoi & co. on a value that is not a number
      std::fprintf(stderr, "%s: bad value for %s\n", argv[0], argv[i - 1]);
      usage(2);
    }
  }
  if (flags.epochs < 1 || flags.batch_size < 1 || flags.max_steps < 0 || !(flags.lr > 0)) {
    std::fprintf(stderr, "%s: --epochs, --batch-size and --lr must be positive\n", argv[0]);
    usage(2);
  }
  return flags;
}

struct FmnistSplits {
  ds::Tensor train_images, train_labels;  // [N, 1, 28, 28] float32 normalised, [N] int64
  ds::Tensor test_images, test_labels;
  std::string name;  // "fashion-mnist" or "synthetic"
};

// Pixel statistics of the Fashion-MNIST training set.
inline constexpr double kFmnistMean = 0.2860, kFmnistStd = 0.3530;

inline ds::Tensor normalize(const ds::Tensor& images) {
  return (images - kFmnistMean) / kFmnistStd;
}

// A learnable stand-in of the same shape: each class is a fixed random blocky image (7x7
// cells of 4x4 pixels, so that convolutions and pooling see shapes) plus strong noise. Its
// own generators keep the global random stream (model init, dropout) untouched.
inline void synthetic_split(int64_t count, uint64_t seed, ds::Tensor& images, ds::Tensor& labels) {
  ds::Generator template_gen(1234), sample_gen(seed);
  const ds::Tensor cells = ds::rand({10, 1, 7, 1, 7, 1}, {}, &template_gen);
  const ds::Tensor templates = cells.expand({10, 1, 7, 4, 7, 4}).reshape({10, 1, 28, 28});
  labels = ds::randint(0, 10, {count}, ds::DType::Int64, &sample_gen);
  const ds::Tensor noise = ds::randn({count, 1, 28, 28}, {}, &sample_gen) * 1.5;
  images = normalize((templates.index_select(0, labels) + noise).clamp(0.0, 1.0));
}

inline bool has_fmnist_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return false;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().filename().string().starts_with("train-images")) return true;
  }
  return false;
}

inline FmnistSplits load_fmnist(const FmnistFlags& flags) {
  FmnistSplits splits;
  if (!flags.synthetic && has_fmnist_files(flags.data_dir)) {
    std::printf("data: Fashion-MNIST from %s\n", flags.data_dir.c_str());
    ds::data::FashionMNIST train(flags.data_dir, /*train=*/true);
    ds::data::FashionMNIST test(flags.data_dir, /*train=*/false);
    splits = {normalize(train.images), train.labels, normalize(test.images), test.labels,
              "fashion-mnist"};
  } else {
    const std::string reason =
        flags.synthetic ? "--synthetic given" : "no Fashion-MNIST in " + flags.data_dir;
    const std::string rule(78, '=');
    std::printf("%s\ndata: SYNTHETIC stand-in (%s); accuracy below is NOT Fashion-MNIST's\n%s\n",
                rule.c_str(), reason.c_str(), rule.c_str());
    synthetic_split(12000, 1, splits.train_images, splits.train_labels);
    synthetic_split(2000, 2, splits.test_images, splits.test_labels);
    splits.name = "synthetic";
  }
  std::printf("train %lld images, test %lld images\n",
              static_cast<long long>(splits.train_images.size(0)),
              static_cast<long long>(splits.test_images.size(0)));
  return splits;
}

// Fraction of `images` the model classifies correctly, in eval mode and without a graph.
inline double accuracy(ds::nn::UnaryModule& model, const ds::Tensor& images,
                       const ds::Tensor& labels, int64_t batch_size = 1000) {
  model.eval();
  ds::autograd::NoGradGuard no_grad;
  int64_t correct = 0;
  for (auto [x, y] : ds::data::DataLoader(images, labels, {.batch_size = batch_size})) {
    correct += model.forward(x).argmax(1).eq(y).sum().item<int64_t>();
  }
  return static_cast<double>(correct) / static_cast<double>(images.size(0));
}

}  // namespace examples
