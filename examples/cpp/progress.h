// A small progress bar for the C++ training examples, the counterpart of Python's
// deepseek.utils.progress:
//
//   ProgressBar bar("epoch 1/2", loader.size(), "img");
//   for (auto [x, y] : loader) {
//     ...
//     bar.set_postfix({{"loss", running_loss}});
//     bar.step(x.size(0));
//   }
//   bar.close();  // or let it go out of scope
//
// On a terminal the bar is redrawn in place (at most ~10 times a second) with the count,
// elapsed and remaining time, throughput in items per second and the postfix values. When
// the output is not a terminal (a CI log, a pipe, a file) it prints one plain line each time
// another `log_every_percent` of the total is done, so logs stay short.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace examples {

class ProgressBar {
 public:
  using Postfix = std::vector<std::pair<std::string, double>>;

  ProgressBar(std::string desc, int64_t total, std::string unit = "items", std::FILE* out = stderr,
              int log_every_percent = 10)
      : desc_(std::move(desc)),
        total_(std::max<int64_t>(total, 0)),
        unit_(std::move(unit)),
        out_(out),
        log_every_(std::clamp(log_every_percent, 1, 100)),
        next_log_(log_every_),
        interactive_(is_terminal(out)),
        start_(Clock::now()),
        last_draw_(start_) {}
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { close(); }

  // Values shown after the throughput ("loss=0.4123").
  void set_postfix(Postfix values) { postfix_ = std::move(values); }

  // One iteration is done; it covered `items` samples (images, tokens, ...).
  void step(int64_t items = 1) {
    ++count_;
    items_ += items;
    if (closed_) return;
    if (interactive_) {
      const auto now = Clock::now();
      if (now - last_draw_ >= std::chrono::milliseconds(100)) {
        last_draw_ = now;
        std::fprintf(out_, "\r%s\x1b[K", line().c_str());
        std::fflush(out_);
      }
    } else if (total_ > 0 && count_ < total_) {
      const double percent = 100.0 * static_cast<double>(count_) / static_cast<double>(total_);
      if (percent >= next_log_) {
        while (next_log_ <= percent) next_log_ += log_every_;
        std::fprintf(out_, "%s\n", line().c_str());
        std::fflush(out_);
      }
    }
  }

  // Writes the final state once (a newline ends the in-place bar).
  void close() {
    if (closed_) return;
    closed_ = true;
    if (count_ == 0) return;
    std::fprintf(out_, "%s%s\n", interactive_ ? "\r" : "", line().c_str());
    std::fflush(out_);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr int kBarWidth = 24;

  static bool is_terminal(std::FILE* out) {
    const char* term = std::getenv("TERM");
    return isatty(fileno(out)) && !(term != nullptr && std::strcmp(term, "dumb") == 0);
  }

  static std::string clock_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const auto s = static_cast<int64_t>(seconds);
    char text[32];
    if (s >= 3600) {
      std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                    static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
    } else {
      std::snprintf(text, sizeof text, "%02lld:%02lld", static_cast<long long>(s / 60),
                    static_cast<long long>(s % 60));
    }
    return text;
  }

  std::string line() const {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(items_) / elapsed : 0.0;
    std::string text = desc_.empty() ? "" : desc_ + "  ";
    char part[128];
    if (total_ > 0) {
      const double fraction =
          std::min(1.0, static_cast<double>(count_) / static_cast<double>(total_));
      const double remaining =
          count_ > 0 ? elapsed * static_cast<double>(total_ - count_) / count_ : NAN;
      std::snprintf(part, sizeof part, "%3.0f%%", 100 * fraction);
      text += part;
      if (interactive_) {
        const int filled = static_cast<int>(std::lround(fraction * kBarWidth));
        text += "|" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "|";
      }
      std::snprintf(part, sizeof part, "  %*lld/%lld  [%s<%s]",
                    static_cast<int>(std::to_string(total_).size()), static_cast<long long>(count_),
                    static_cast<long long>(total_), clock_text(elapsed).c_str(),
                    clock_text(remaining).c_str());
      text += part;
    } else {
      std::snprintf(part, sizeof part, "%lld it [%s]", static_cast<long long>(count_),
                    clock_text(elapsed).c_str());
      text += part;
    }
    std::snprintf(part, sizeof part, "  %.0f %s/s", rate, unit_.c_str());
    text += part;
    for (const auto& [name, value] : postfix_) {
      std::snprintf(part, sizeof part, "  %s=%.4g", name.c_str(), value);
      text += part;
    }
    return text;
  }

  std::string desc_;
  int64_t total_;
  std::string unit_;
  std::FILE* out_;
  int log_every_;
  double next_log_;
  bool interactive_;
  Clock::time_point start_, last_draw_;
  int64_t count_ = 0, items_ = 0;
  Postfix postfix_;
  bool closed_ = false;
};

}  // namespace examples
