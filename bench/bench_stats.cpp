// What OnlineStats costs per value, beside a two-pass computation over data kept in memory, the
// textbook one-pass sums (fast and wrong on offset data) and plain Welford (no compensated mean);
// and P² quantiles beside sorting. Run from a Release build: build/release/bench/bench_stats
#include "streamlab/quantile.hpp"
#include "streamlab/random.hpp"
#include "streamlab/stats.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

constexpr std::size_t values = 1 << 20;

const std::vector<double>& data() {
  static const std::vector<double> numbers = [] {
    streamlab::Random rng{42};
    std::vector<double> v(values);
    for (double& x : v) x = rng.normal(100.0, 15.0);
    return v;
  }();
  return numbers;
}

// The library: one pass, O(1) memory, mergeable, exact mean.
void online_stats(benchmark::State& state) {
  const auto& v = data();
  for (auto _ : state) {
    streamlab::OnlineStats stats;
    for (double x : v) stats.add(x);
    benchmark::DoNotOptimize(stats.variance());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values));
}
BENCHMARK(online_stats);

// Two passes: the mean, then the squared deviations, then min and max. Accurate, but it needs
// every value in memory (or the stream twice).
void two_pass(benchmark::State& state) {
  const auto& v = data();
  for (auto _ : state) {
    double sum = 0.0;
    for (double x : v) sum += x;
    const double mean = sum / static_cast<double>(v.size());
    double squares = 0.0;
    double low = v[0];
    double high = v[0];
    for (double x : v) {
      squares += (x - mean) * (x - mean);
      low = std::min(low, x);
      high = std::max(high, x);
    }
    benchmark::DoNotOptimize(squares / static_cast<double>(v.size() - 1));
    benchmark::DoNotOptimize(low);
    benchmark::DoNotOptimize(high);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values));
}
BENCHMARK(two_pass);

// The textbook Σx and Σx²: one pass and vectorisable — and wrong on data far from zero (lesson 07).
void textbook_sums(benchmark::State& state) {
  const auto& v = data();
  for (auto _ : state) {
    double sum = 0.0;
    double sum_of_squares = 0.0;
    double low = v[0];
    double high = v[0];
    for (double x : v) {
      sum += x;
      sum_of_squares += x * x;
      low = std::min(low, x);
      high = std::max(high, x);
    }
    const double n = static_cast<double>(v.size());
    benchmark::DoNotOptimize((sum_of_squares - sum * sum / n) / (n - 1));
    benchmark::DoNotOptimize(low);
    benchmark::DoNotOptimize(high);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values));
}
BENCHMARK(textbook_sums);

// Welford without the compensated mean, to show what the mean's exactness costs.
void plain_welford(benchmark::State& state) {
  const auto& v = data();
  for (auto _ : state) {
    std::uint64_t n = 0;
    double mean = 0.0;
    double m2 = 0.0;
    double low = v[0];
    double high = v[0];
    for (double x : v) {
      ++n;
      const double delta = x - mean;
      mean += delta / static_cast<double>(n);
      m2 += delta * (x - mean);
      low = std::min(low, x);
      high = std::max(high, x);
    }
    benchmark::DoNotOptimize(m2 / static_cast<double>(n - 1));
    benchmark::DoNotOptimize(low);
    benchmark::DoNotOptimize(high);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values));
}
BENCHMARK(plain_welford);

// p50, p90 and p99 of the stream with three P² estimators...
void p2_quantiles(benchmark::State& state) {
  const auto& v = data();
  for (auto _ : state) {
    streamlab::P2Quantile p50{0.5}, p90{0.9}, p99{0.99};
    for (double x : v) {
      p50.add(x);
      p90.add(x);
      p99.add(x);
    }
    benchmark::DoNotOptimize(p50.value() + p90.value() + p99.value());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values));
}
BENCHMARK(p2_quantiles);

// ...and exactly: copy everything, then select the three ranks (nth_element, cheaper than a sort).
void exact_quantiles(benchmark::State& state) {
  const auto& v = data();
  for (auto _ : state) {
    std::vector<double> copy(v);
    double total = 0.0;
    for (double p : {0.5, 0.9, 0.99}) {
      auto rank = copy.begin() + static_cast<std::ptrdiff_t>(p * static_cast<double>(copy.size() - 1));
      std::nth_element(copy.begin(), rank, copy.end());
      total += *rank;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values));
}
BENCHMARK(exact_quantiles);

}  // namespace
