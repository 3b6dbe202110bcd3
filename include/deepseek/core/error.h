// Typed errors. Each maps to the Python exception of the same name in deepseek._C, so a
// C++ check written once gives Python users the exception type PyTorch would raise.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>
#include <string>

namespace deepseek {

// RuntimeError: the default kind (PyTorch raises RuntimeError for most misuse).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};
using RuntimeError = Error;
class ValueError : public Error {
 public:
  using Error::Error;
};
class TypeError : public Error {
 public:
  using Error::Error;
};
class IndexError : public Error {
 public:
  using Error::Error;
};
class NotImplementedError : public Error {
 public:
  using Error::Error;
};
class MemoryError : public Error {
 public:
  using Error::Error;
};

}  // namespace deepseek

// DS_CHECK(cond, Kind, "fmt {}", args...): throws deepseek::Kind with the formatted message.
#define DS_CHECK(cond, Kind, ...)                          \
  do {                                                     \
    if (!(cond)) [[unlikely]] {                            \
      throw ::deepseek::Kind(::fmt::format(__VA_ARGS__)); \
    }                                                      \
  } while (0)

#define DS_THROW(Kind, ...) throw ::deepseek::Kind(::fmt::format(__VA_ARGS__))
