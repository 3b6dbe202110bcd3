#include "deepseek/data/mnist.h"

#include <filesystem>

#include "deepseek/data/idx.h"

namespace deepseek::data {

namespace {

// "<root>/<name>" if it exists, else "<root>/<name>.gz"; RuntimeError when neither does.
std::string find_file(const std::string& root, const std::string& name) {
  std::filesystem::path raw = std::filesystem::path(root) / name;
  std::filesystem::path gz = std::filesystem::path(root) / (name + ".gz");
  std::error_code ec;
  if (std::filesystem::is_regular_file(raw, ec)) return raw.string();
  if (std::filesystem::is_regular_file(gz, ec)) return gz.string();
  DS_THROW(RuntimeError, "MNIST: found neither '{}' nor '{}'", raw.string(), gz.string());
}

}  // namespace

MNIST::MNIST(const std::string& root, bool train) {
  const std::string split = train ? "train" : "t10k";
  Tensor raw_images = read_idx(find_file(root, split + "-images-idx3-ubyte"), 3);
  Tensor raw_labels = read_idx(find_file(root, split + "-labels-idx1-ubyte"), 1);
  DS_CHECK(raw_images.size(0) == raw_labels.size(0), ValueError,
           "MNIST: '{}' holds {} images but its labels file holds {} labels", root,
           raw_images.size(0), raw_labels.size(0));
  images = (raw_images.to(DType::Float32) / 255.0).unsqueeze(1);
  labels = raw_labels.to(DType::Int64);
}

}  // namespace deepseek::data
