// deepseek_bench's entry point: runs the registered benchmarks once and reports them twice,
// as Google Benchmark's table (for people) and as its JSON (for tools), with the CPU model
// and its GEMM-relevant flags in both.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <vector>

#include "cpu_info.h"

namespace {

// The console table as usual, and every call forwarded to a JSON reporter that writes
// into a string: Google Benchmark's own file reporter would need --benchmark_out.
class TableAndJsonReporter : public benchmark::ConsoleReporter {
 public:
  // Colours only on a terminal: escape codes would litter a log file.
  explicit TableAndJsonReporter(std::ostream* json_out)
      : ConsoleReporter(isatty(fileno(stdout)) ? OO_ColorTabular : OO_Tabular) {
    json_.SetOutputStream(json_out);
    json_.SetErrorStream(&std::cerr);
  }
  bool ReportContext(const Context& context) override {
    json_.ReportContext(context);
    return ConsoleReporter::ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    json_.ReportRuns(runs);
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    json_.Finalize();
    ConsoleReporter::Finalize();
  }

 private:
  benchmark::JSONReporter json_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const deepseek::bench::CpuInfo cpu = deepseek::bench::read_cpu_info();
  benchmark::AddCustomContext("cpu_model", cpu.model);
  benchmark::AddCustomContext("cpu_flags", cpu.flags_summary());

  std::ostringstream json;
  TableAndJsonReporter reporter(&json);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::cout << "\nCPU: " << cpu.model << "  [" << cpu.flags_summary() << "]\n";
  std::cout << "\n--- JSON ---\n" << json.str() << std::flush;
  return 0;
}
