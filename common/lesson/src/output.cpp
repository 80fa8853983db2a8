#include "streamlab/output.hpp"

#include "streamlab/keyed_pipeline.hpp"
#include "streamlab/metrics.hpp"

#include <fmt/core.h>

namespace streamlab {

namespace {
constexpr std::string_view rule = "==================================================";
}

void banner(std::string_view title) { fmt::print("{}\n  {}\n{}\n", rule, title, rule); }

void section(std::string_view title) { fmt::print("\n=== {} ===\n\n", title); }

void bullet(std::string_view text, int indent) { fmt::print("{:{}}• {}\n", "", indent, text); }

void measured(std::string_view label, double value, std::string_view unit, int decimals, int indent) {
  if (unit.empty()) {
    fmt::print("{:{}}{}: {:.{}f}\n", "", indent, label, value, decimals);
  } else {
    fmt::print("{:{}}{}: {:.{}f} {}\n", "", indent, label, value, decimals, unit);
  }
}

void measured(const PipelineMetrics& metrics) {
  measured("Input rate", metrics.input_rate(), "records/sec", 0);
  measured("Processing latency per batch, p50", metrics.latency_p50_ms, "ms", 2);
  measured("Processing latency per batch, p99", metrics.latency_p99_ms, "ms", 2);
  measured("Batches", static_cast<double>(metrics.batches), "", 0);
  measured("Peak memory", to_mib(metrics.peak_rss_bytes), "MiB", 1);
  measured("Throughput", metrics.throughput(), "records/sec", 0);
  fmt::print("  CPU time by stage: {}\n", metrics.cpu_times_text());
}

void next_lesson(std::string_view lesson) { fmt::print("\nNext: {}\n", lesson); }

}  // namespace streamlab
