// Library logging through spdlog, quiet by default. DEEPSEEK_LOG_LEVEL (trace, debug, info,
// warn, error, off; default warn) sets the level when the library loads; set_log_level
// changes it at run time. Messages go to stderr prefixed with "[deepseek]".
#pragma once

#include <fmt/format.h>

#include <string>

namespace deepseek {

enum class LogLevel { Trace, Debug, Info, Warn, Error, Off };

void set_log_level(LogLevel level);
// Parses "trace" ... "off"; throws ValueError otherwise.
void set_log_level(const std::string& level);
LogLevel log_level();

namespace detail {
void log_message(LogLevel level, const std::string& message);
}

// DS_LOG(Debug, "fmt {}", x): formats only when the level is enabled.
#define DS_LOG(Level, ...)                                                           \
  do {                                                                               \
    if (::deepseek::LogLevel::Level >= ::deepseek::log_level()) {                    \
      ::deepseek::detail::log_message(::deepseek::LogLevel::Level,                   \
                                      ::fmt::format(__VA_ARGS__));                   \
    }                                                                                \
  } while (0)

}  // namespace deepseek
