// Values spelled as Python's repr() spells them, for module reprs that match PyTorch's
// character for character ("eps=1e-05", "bias=True", "kernel_size=(3, 3)").
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepseek::nn::detail {

inline std::string py_bool(bool value) { return value ? "True" : "False"; }

// fmt's shortest round-trip form is Python's except that Python marks whole floats ("1.0").
inline std::string py_float(double value) {
  std::string s = fmt::format("{}", value);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // 'n': inf, nan
  return s;
}

inline std::string py_float(const std::optional<double>& value) {
  return value ? py_float(*value) : "None";
}

// (3,) and (3, 3): a Python tuple.
inline std::string py_tuple(const std::vector<int64_t>& values) {
  if (values.size() == 1) return fmt::format("({},)", values[0]);
  return fmt::format("({})", fmt::join(values, ", "));
}

inline std::string py_str(const std::string& value) { return "'" + value + "'"; }

}  // namespace deepseek::nn::detail
