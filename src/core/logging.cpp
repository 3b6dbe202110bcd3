#include "deepseek/core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>

#include "deepseek/core/error.h"

namespace deepseek {

namespace {

LogLevel parse(const std::string& name) {
  if (name == "trace") return LogLevel::Trace;
  if (name == "debug") return LogLevel::Debug;
  if (name == "info") return LogLevel::Info;
  if (name == "warn" || name == "warning") return LogLevel::Warn;
  if (name == "error") return LogLevel::Error;
  if (name == "off") return LogLevel::Off;
  DS_THROW(ValueError, "unknown log level '{}' (expected trace, debug, info, warn, error or off)",
           name);
}

LogLevel initial_level() {
  const char* env = std::getenv("DEEPSEEK_LOG_LEVEL");
  if (!env || !*env) return LogLevel::Warn;
  try {
    return parse(env);
  } catch (const Error&) {
    return LogLevel::Warn;  // a typo in the environment must not stop the library loading
  }
}

std::atomic<LogLevel> g_level{initial_level()};

spdlog::logger& logger() {
  static auto instance = [] {
    auto l = spdlog::stderr_color_mt("deepseek");
    l->set_pattern("[deepseek] [%l] %v");
    l->set_level(spdlog::level::trace);  // filtering happens in DS_LOG
    return l;
  }();
  return *instance;
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return spdlog::level::trace;
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warn: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
    case LogLevel::Off: return spdlog::level::off;
  }
  return spdlog::level::warn;
}

}  // namespace

void set_log_level(LogLevel level) { g_level.store(level); }
void set_log_level(const std::string& level) { g_level.store(parse(level)); }
LogLevel log_level() { return g_level.load(); }

void detail::log_message(LogLevel level, const std::string& message) {
  logger().log(to_spdlog(level), message);
}

}  // namespace deepseek
