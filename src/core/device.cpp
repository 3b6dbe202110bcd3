#include "deepseek/core/device.h"

#include <charconv>

#include "deepseek/core/error.h"

namespace deepseek {

const char* device_type_name(DeviceType t) { return t == DeviceType::CPU ? "cpu" : "cuda"; }

Device::Device(const std::string& spec) {
  std::string kind = spec;
  int idx = 0;
  auto colon = spec.find(':');
  if (colon != std::string::npos) {
    kind = spec.substr(0, colon);
    const char* first = spec.data() + colon + 1;
    const char* last = spec.data() + spec.size();
    auto [ptr, ec] = std::from_chars(first, last, idx);
    DS_CHECK(ec == std::errc() && ptr == last && first != last && idx >= 0, ValueError,
             "Invalid device string: '{}'", spec);
  }
  if (kind == "cpu") {
    DS_CHECK(idx == 0, ValueError, "Invalid device string: '{}' (cpu has only index 0)", spec);
    type = DeviceType::CPU;
    index = 0;
  } else if (kind == "cuda") {
    type = DeviceType::CUDA;
    index = idx;
  } else {
    DS_THROW(ValueError,
             "Expected one of cpu, cuda device type at start of device string: {}", spec);
  }
}

std::string Device::str() const {
  return type == DeviceType::CPU ? "cpu" : fmt::format("cuda:{}", index);
}

}  // namespace deepseek
