// Lesson 04: transform a stream with a lazy pipeline of named stages — numbers → square →
// filter_even — and watch the elements travel through it one at a time.
// Run: build/release/lessons/04_stream_transformations [--numbers N] [--take N] [--count N]
// Golden output: expected_output/04_stream_transformations.txt
#include "streamlab/cli.hpp"
#include "streamlab/generator.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/pipeline.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <ranges>
#include <string>
#include <vector>

namespace {

// The sum of the even squares below --count reaches 2.1e22 at 50 M, past int64's 9.2e18 from about
// 3.8 M on: the sums are kept in 128 bits (a GCC and Clang extension that fmt prints), exact for every
// allowed --count.
using Sum = __int128_t;

struct Options {
  std::int64_t numbers = 10;
  std::int64_t take = 3;
  std::int64_t count = 1'000'000;
};

// The source: 0, 1, 2, ... made one at a time, on demand.
streamlab::Generator<std::int64_t> numbers(std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) co_yield i;
}

//! [stages]
// Named stages, defined once and reused: each is a step that can be applied to any stream.
const auto square = streamlab::map("square", [](std::int64_t x) { return x * x; });
const auto filter_even = streamlab::filter("filter_even", [](std::int64_t x) { return x % 2 == 0; });
//! [stages]

template <typename Range>
std::vector<std::int64_t> collect(Range&& range) {
  std::vector<std::int64_t> out;
  for (std::int64_t x : range) out.push_back(x);
  return out;
}

// Notice: the pipeline's description is built from the stages' names; the output is the seed's.
void seed_pipeline(const Options& options) {
  streamlab::section("Stream Transformations");
  //! [pipeline]
  const auto pipeline = square | filter_even;
  fmt::print("Stream transformation pipeline:\n  numbers → {}\n\n", pipeline.name());
  fmt::print("Input: {}\n", fmt::join(collect(numbers(options.numbers)), ", "));
  fmt::print("After square: {}\n", fmt::join(collect(numbers(options.numbers) | square), ", "));
  fmt::print("After filter: {}\n", collect(numbers(options.numbers) | pipeline));
  //! [pipeline]
}

// Notice: each number goes all the way through before the next one is read, and take() stops the
// source early — the numbers after it are never made.
void trace_laziness(const Options& options) {
  streamlab::section("Laziness made visible");
  //! [trace]
  std::vector<std::string> trace;  // one line per number the source yields
  auto traced =
      numbers(options.numbers) |
      streamlab::tap("source", [&](std::int64_t x) { trace.push_back(fmt::format("numbers yields {}", x)); }) | square |
      streamlab::tap("squared", [&](std::int64_t x) { trace.back() += fmt::format(" → square {}", x); }) | filter_even |
      streamlab::tap("kept", [&](std::int64_t) { trace.back() += " → kept"; }) |
      streamlab::take(static_cast<std::size_t>(options.take));
  fmt::print("Pipeline: numbers → square → filter_even → take({}), built; lines traced so far: {}\n", options.take,
             trace.size());
  std::size_t received = 0;
  for (std::int64_t x : traced) {
    trace.back() += fmt::format(" → consumer gets {}", x);
    ++received;
  }
  //! [trace]
  for (const auto& line : trace) {
    fmt::print("  {}{}\n", line, line.find("kept") == std::string::npos ? " → dropped by filter_even" : "");
  }
  // take() stops after its last number, so the source is asked for more only while the consumer still wants
  // some: it runs dry only when fewer numbers were kept than the consumer asked for.
  const auto made = trace.size();
  const auto wanted = static_cast<std::size_t>(options.take);
  const auto plural = [](std::size_t n) { return n == 1 ? "" : "s"; };
  if (received < wanted) {
    fmt::print("The consumer asked for {} numbers and got {}: the source ran dry after making all {}.\n", wanted,
               received, made);
  } else if (made < static_cast<std::size_t>(options.numbers)) {
    fmt::print("The consumer got {} number{}; the source made {} of {} and was never asked for the rest.\n", received,
               plural(received), made, options.numbers);
  } else {
    fmt::print("The consumer got {} number{}; the source made {} of {}, the last one just in time.\n", received,
               plural(received), made, options.numbers);
  }
}

// Notice: a named pipeline is a value: it can be printed, extended and applied to any input range,
// and each stage computes every element exactly once.
void compose_stages() {
  streamlab::section("Composing named stages");
  //! [compose]
  const auto pipeline = square | filter_even;
  const auto halve = streamlab::map("halve", [](std::int64_t x) { return x / 2; });
  const auto longer = pipeline | halve;
  //! [compose]
  fmt::print("{}: on 10..19 gives {}\n", pipeline.name(), collect(std::views::iota(std::int64_t{10}, 20) | pipeline));
  const std::vector<std::int64_t> readings{7, 8, 12, 13};
  fmt::print("{}: on a vector {} gives {}\n", pipeline.name(), readings, collect(readings | pipeline));
  fmt::print("{}: on 0..9 gives {}\n", longer.name(), collect(numbers(10) | longer));

  int stage_calls = 0;
  int view_calls = 0;
  auto counted = streamlab::map("square", [&](std::int64_t x) { return ++stage_calls, x * x; });
  const auto by_stages = collect(numbers(10) | counted | filter_even);
  const auto by_views =
      collect(numbers(10) | std::views::transform([&](std::int64_t x) { return ++view_calls, x * x; }) |
              std::views::filter([](std::int64_t x) { return x % 2 == 0; }));
  fmt::print("Same result with std::views::transform | std::views::filter: {}\n", by_stages == by_views ? "yes" : "no");
  fmt::print("Calls to square for 10 numbers: {} with streamlab::map, {} with std::views (kept ones twice)\n",
             stage_calls, view_calls);
}

// Notice: materialising every step holds whole vectors at once; the lazy pipeline holds one
// number per stage, whatever the count.
void lazy_vs_materialised(const Options& options) {
  streamlab::section("Lazy pipeline vs materialising every step");
  const std::int64_t n = options.count;
  fmt::print("numbers → square → filter_even → sum, on {} numbers:\n", n);

  // ru_maxrss only goes up: measure the lean way first.
  const std::uint64_t start_peak = streamlab::peak_rss_bytes();
  streamlab::Stopwatch watch;
  //! [lazy]
  Sum lazy_sum = 0;  // 128 bits: past --count 3.8 M the sum no longer fits in int64
  for (std::int64_t x : numbers(n) | square | filter_even) lazy_sum += x;
  //! [lazy]
  const double lazy_ms = watch.elapsed_ms();
  const std::uint64_t lazy_peak = streamlab::peak_rss_bytes();

  watch.restart();
  //! [eager]
  std::vector<std::int64_t> all_numbers;  // like list(...) after every step
  for (std::int64_t i = 0; i < n; ++i) all_numbers.push_back(i);
  std::vector<std::int64_t> squares;
  for (std::int64_t x : all_numbers) squares.push_back(x * x);
  std::vector<std::int64_t> evens;
  for (std::int64_t x : squares) {
    if (x % 2 == 0) evens.push_back(x);
  }
  Sum eager_sum = 0;
  for (std::int64_t x : evens) eager_sum += x;
  //! [eager]
  const double eager_ms = watch.elapsed_ms();
  const std::uint64_t eager_peak = streamlab::peak_rss_bytes();

  const auto held = all_numbers.size() + squares.size() + evens.size();
  fmt::print("  Same sum both ways: {} ({})\n", lazy_sum == eager_sum ? "yes" : "no", lazy_sum);
  fmt::print("  Materialised: 3 vectors, {} numbers held at the end ({:.1f} MB)\n", held,
             static_cast<double>(held * sizeof(std::int64_t)) / 1e6);
  fmt::print("  Lazy: one number in flight per stage, whatever the count\n");
  streamlab::measured("Time, lazy pipeline", lazy_ms, "ms");
  streamlab::measured("Time, materialising every step", eager_ms, "ms");
  streamlab::measured("Peak RSS growth, lazy pipeline", streamlab::to_mib(lazy_peak - start_peak), "MiB", 1);
  streamlab::measured("Peak RSS growth, materialising", streamlab::to_mib(eager_peak - lazy_peak), "MiB", 1);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lesson 04: lazy pipelines of named stages: numbers -> square -> filter_even.",
               "04_stream_transformations"};
  Options options;
  streamlab::add_count_option(app, "--numbers", options.numbers, "numbers in the seed's pipeline and the trace",
                              std::int64_t{1000});
  streamlab::add_count_option(app, "--take", options.take, "numbers the traced consumer takes", std::int64_t{1000});
  streamlab::add_count_option(app, "--count", options.count,
                              "numbers in the lazy vs materialised comparison (sums kept in 128 bits: exact)",
                              std::int64_t{50'000'000});
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;

  streamlab::banner("04 · Stream Transformations");
  seed_pipeline(options);
  trace_laziness(options);
  compose_stages();
  lazy_vs_materialised(options);
  streamlab::next_lesson("05_parallel_streaming");
  return 0;
}
