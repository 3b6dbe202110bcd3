#include "cpu_info.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace deepseek::bench {

std::string CpuInfo::flags_summary() const {
  std::string out;
  for (const auto& [name, present] : flags) {
    if (!out.empty()) out += ' ';
    out += name + (present ? "=yes" : "=no");
  }
  return out;
}

namespace {

// The value after "key<spaces>:" on a /proc/cpuinfo line, or nothing if the key differs.
bool read_field(const std::string& line, const std::string& key, std::string* value) {
  if (line.rfind(key, 0) != 0) return false;
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return false;
  *value = line.substr(std::min(colon + 2, line.size()));
  return true;
}

}  // namespace

CpuInfo read_cpu_info() {
  CpuInfo info{"unknown", {}};
  std::vector<std::string> present;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, value;
  bool have_model = false, have_flags = false;
  // Every core repeats the same block; the first one says it all.
  while (std::getline(cpuinfo, line) && !(have_model && have_flags)) {
    if (!have_model && read_field(line, "model name", &value)) {
      info.model = value;
      have_model = true;
    } else if (!have_flags && read_field(line, "flags", &value)) {
      std::istringstream words(value);
      for (std::string w; words >> w;) present.push_back(w);
      have_flags = true;
    }
  }
  for (const std::string& flag : kRelevantCpuFlags) {
    const bool has = std::find(present.begin(), present.end(), flag) != present.end();
    info.flags.emplace_back(flag, has);
  }
  return info;
}

}  // namespace deepseek::bench
