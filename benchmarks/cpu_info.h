// What the host CPU is and which of the instruction sets that decide GEMM speed it has,
// printed beside every benchmark figure so that numbers from different machines are not
// compared blindly.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace deepseek::bench {

struct CpuInfo {
  std::string model;                                // /proc/cpuinfo's "model name"
  std::vector<std::pair<std::string, bool>> flags;  // the flags below, present or not

  // "avx2=yes avx512f=yes avx512_bf16=no amx_bf16=no amx_tile=no"
  std::string flags_summary() const;
};

// The flags reported: AVX2 and AVX-512 for fp32, AVX512-BF16 and AMX for bf16 GEMM.
inline const std::vector<std::string> kRelevantCpuFlags = {"avx2", "avx512f", "avx512_bf16",
                                                           "amx_bf16", "amx_tile"};

CpuInfo read_cpu_info();

}  // namespace deepseek::bench
