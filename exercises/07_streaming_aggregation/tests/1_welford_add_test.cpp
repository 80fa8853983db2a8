// Tests of exercise 07.1, Welford's update (exercises/07_streaming_aggregation/1_welford_add.hpp).
// Run them with: scripts/exercise 07.1
#include "1_welford_add.hpp"

#include "streamlab/random.hpp"
#include "streamlab/stats.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>

using exercise::RunningStats;

namespace {
RunningStats stats_of(std::initializer_list<double> values) {
  RunningStats stats;
  for (double x : values) stats.add(x);
  return stats;
}
}  // namespace

TEST_CASE("welford add: one value is its own mean, and one value has no sample variance (NaN)") {
  const RunningStats stats = stats_of({42.5});
  CHECK(stats.count() == 1);
  CHECK(stats.mean() == 42.5);
  CHECK(std::isnan(stats.variance()));
}

TEST_CASE("welford add: 2, 4, 4, 4, 5, 5, 7, 9 have mean 5 and sample variance 32/7") {
  const RunningStats stats = stats_of({2, 4, 4, 4, 5, 5, 7, 9});
  CHECK(stats.count() == 8);
  CHECK(stats.mean() == Approx(5.0));
  CHECK(stats.variance() == Approx(32.0 / 7.0));
}

TEST_CASE("welford add: the same mean and variance as streamlab::OnlineStats on 1000 normal(100, 15) readings") {
  streamlab::Random rng{42};
  RunningStats stats;
  streamlab::OnlineStats reference;
  for (int i = 0; i < 1000; ++i) {
    const double reading = rng.normal(100.0, 15.0);
    stats.add(reading);
    reference.add(reading);
  }
  CHECK(stats.count() == 1000);
  CHECK(stats.mean() == Approx(reference.mean()).epsilon(1e-12));
  CHECK(stats.variance() == Approx(reference.variance()).epsilon(1e-9));
}

TEST_CASE("welford add: readings near 1e9 keep their variance (the textbook sum of squares loses it)") {
  // 1e9 + 4, 7, 13, 16: mean 1e9 + 10, deviations −6, −3, 3, 6, sample variance 90 / 3 = 30.
  const RunningStats stats = stats_of({1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16});
  CHECK(stats.mean() == 1e9 + 10);
  CHECK(stats.variance() == Approx(30.0).epsilon(1e-6));
}
