// Writing numbers as text, as a sink writing millions of CSV rows a second must: number_text.hpp
// beside fmt (the lessons' printing) and std::to_chars, on sensor-like values (a few decimals).
// Run from a Release build: build/release/bench/bench_number_text
#include "streamlab/number_text.hpp"
#include "streamlab/random.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

constexpr std::size_t count = 1 << 16;

// `count` values, each made by `draw` from a generator seeded with `seed`.
template <typename Draw>
std::vector<double> make_values(std::uint64_t seed, Draw draw) {
  streamlab::Random random{seed};
  std::vector<double> values(count);
  for (double& x : values) x = draw(random);
  return values;
}

// Readings as the lesson 09 data has them: 3 decimals, around 20 to 60.
const std::vector<double>& readings() {
  static const auto values =
      make_values(42, [](streamlab::Random& random) { return std::round(random.normal(40.0, 10.0) * 1000) / 1000; });
  return values;
}

// Z-scores as lesson 09 writes them ({:.4f}): around 0, negative half the time, in no pattern.
const std::vector<double>& zscores() {
  static const auto values = make_values(7, [](streamlab::Random& random) { return random.normal(0.0, 1.0); });
  return values;
}

// The whole numbers of lesson 09's output rows in turn: a line number, a millisecond timestamp
// (13 digits), a sensor id.
const std::vector<std::int64_t>& integers() {
  static const std::vector<std::int64_t> values = [] {
    std::vector<std::int64_t> v(count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto row = static_cast<std::int64_t>(i / 3);
      v[i] = i % 3 == 0 ? 2 + row * 61 : i % 3 == 1 ? 1'700'000'000'000 + row * 10 : row % 16;
    }
    return v;
  }();
  return values;
}

template <typename Write, typename T = double>
void run(benchmark::State& state, Write write, const std::vector<T>& values = readings()) {
  char text[512];
  for (auto _ : state) {
    std::size_t chars = 0;
    for (T x : values) chars += static_cast<std::size_t>(write(text, x) - text);
    benchmark::DoNotOptimize(chars);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

// {:.4f}: z-scores and predictions in the lesson's output file.
void fixed4_number_text(benchmark::State& state) {
  run(state, [](char* out, double x) { return streamlab::write_fixed(out, x, 4); });
}
BENCHMARK(fixed4_number_text);

void fixed4_to_chars(benchmark::State& state) {
  run(state, [](char* out, double x) { return std::to_chars(out, out + 512, x, std::chars_format::fixed, 4).ptr; });
}
BENCHMARK(fixed4_to_chars);

void fixed4_fmt(benchmark::State& state) {
  run(state, [](char* out, double x) { return fmt::format_to(out, "{:.4f}", x); });
}
BENCHMARK(fixed4_fmt);

// Shortest round trip: the reading itself, written back as it was read.
void shortest_number_text(benchmark::State& state) {
  run(state, [](char* out, double x) { return streamlab::write_shortest(out, x); });
}
BENCHMARK(shortest_number_text);

void shortest_to_chars(benchmark::State& state) {
  run(state, [](char* out, double x) { return std::to_chars(out, out + 512, x).ptr; });
}
BENCHMARK(shortest_to_chars);

void shortest_fmt(benchmark::State& state) {
  run(state, [](char* out, double x) { return fmt::format_to(out, "{}", x); });
}
BENCHMARK(shortest_fmt);

void fixed4_zscores_number_text(benchmark::State& state) {
  run(
      state, [](char* out, double x) { return streamlab::write_fixed(out, x, 4); }, zscores());
}
BENCHMARK(fixed4_zscores_number_text);

void fixed4_zscores_to_chars(benchmark::State& state) {
  run(
      state, [](char* out, double x) { return std::to_chars(out, out + 512, x, std::chars_format::fixed, 4).ptr; },
      zscores());
}
BENCHMARK(fixed4_zscores_to_chars);

// Whole numbers: the line number, timestamp and sensor id of each output row. (write_integer is
// std::to_chars below 10^8; for longer numbers it makes the last eight digits at once.)
void integer_number_text(benchmark::State& state) {
  run(
      state, [](char* out, std::int64_t x) { return streamlab::write_integer(out, x); }, integers());
}
BENCHMARK(integer_number_text);

void integer_fmt(benchmark::State& state) {
  run(
      state, [](char* out, std::int64_t x) { return fmt::format_to(out, "{}", x); }, integers());
}
BENCHMARK(integer_fmt);

}  // namespace

BENCHMARK_MAIN();
