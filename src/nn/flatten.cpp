#include "deepseek/nn/flatten.h"

namespace deepseek::nn {

std::string Flatten::extra_repr() const {
  return fmt::format("start_dim={}, end_dim={}", start_dim, end_dim);
}

}  // namespace deepseek::nn
