#include "streamlab/output.hpp"

#include "streamlab/keyed_pipeline.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

namespace {

/// Runs `print` with stdout redirected into a pipe and returns what it printed.
std::string capture_stdout(const std::function<void()>& print) {
  std::fflush(stdout);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const int saved = dup(STDOUT_FILENO);
  dup2(fds[1], STDOUT_FILENO);
  close(fds[1]);
  print();
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  return text;
}

}  // namespace

TEST_CASE("banner, section, bullet and next_lesson print the shared layout") {
  CHECK(capture_stdout([] { streamlab::banner("01 · Basic Streaming"); }) ==
        "==================================================\n"
        "  01 · Basic Streaming\n"
        "==================================================\n");
  CHECK(capture_stdout([] { streamlab::section("Batch Processing"); }) == "\n=== Batch Processing ===\n\n");
  CHECK(capture_stdout([] { streamlab::bullet("Reduce memory footprint"); }) == "  • Reduce memory footprint\n");
  CHECK(capture_stdout([] { streamlab::bullet("top level", 0); }) == "• top level\n");
  CHECK(capture_stdout([] { streamlab::next_lesson("02_batch_processing"); }) == "\nNext: 02_batch_processing\n");
}

TEST_CASE("measured prints one value on a line of its own") {
  CHECK(capture_stdout([] { streamlab::measured("Elapsed", 12.345, "ms"); }) == "  Elapsed: 12.35 ms\n");
  CHECK(capture_stdout([] { streamlab::measured("Speed-up", 3.0, "x", 1, 4); }) == "    Speed-up: 3.0 x\n");
  CHECK(capture_stdout([] { streamlab::measured("Records", 41.0, "", 0); }) == "  Records: 41\n");
}

TEST_CASE("measured prints what a pipeline run measured, a line each, and the CPU time by stage") {
  using namespace std::chrono_literals;
  const streamlab::PipelineMetrics metrics{.records_read = 1000,
                                           .records_written = 900,
                                           .source_seconds = 0.25,
                                           .elapsed_seconds = 0.5,
                                           .batches = 3,
                                           .latency_p50_ms = 1.234,
                                           .latency_p99_ms = 5.678,
                                           .peak_rss_bytes = 3 * 1024 * 1024 / 2,
                                           .cpu_times = {{"source", 12ms}, {"sink", 3ms}}};
  CHECK(capture_stdout([&] { streamlab::measured(metrics); }) ==
        "  Input rate: 4000 records/sec\n"
        "  Processing latency per batch, p50: 1.23 ms\n"
        "  Processing latency per batch, p99: 5.68 ms\n"
        "  Batches: 3\n"
        "  Peak memory: 1.5 MiB\n"
        "  Throughput: 1800 records/sec\n"
        "  CPU time by stage: source 12 ms, sink 3 ms\n");
}
