// Where a tensor lives: "cpu" or "cuda:N". A ROCm build also answers to "cuda".
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace deepseek {

enum class DeviceType : uint8_t { CPU, CUDA };
inline constexpr int kNumDeviceTypes = 2;

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;  // always 0 for CPU

  Device() = default;
  Device(DeviceType t, int i = 0) : type(t), index(t == DeviceType::CPU ? 0 : i) {}  // NOLINT
  // "cpu", "cuda", "cuda:1"; throws ValueError on anything else.
  explicit Device(const std::string& spec);

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  std::string str() const;  // "cpu", "cuda:0"

  friend bool operator==(const Device& a, const Device& b) {
    return a.type == b.type && a.index == b.index;
  }
  friend bool operator!=(const Device& a, const Device& b) { return !(a == b); }
};

const char* device_type_name(DeviceType t);

}  // namespace deepseek

template <>
struct std::hash<deepseek::Device> {
  size_t operator()(const deepseek::Device& d) const noexcept {
    return static_cast<size_t>(d.type) * 1024u + static_cast<size_t>(d.index);
  }
};
