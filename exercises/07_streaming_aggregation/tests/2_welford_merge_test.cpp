// Tests of exercise 07.2, merging two summaries (exercises/07_streaming_aggregation/2_welford_merge.hpp).
// Run them with: scripts/exercise 07.2
#include "2_welford_merge.hpp"

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

TEST_CASE("welford merge: two parts of one size give the statistics of the whole") {
  RunningStats a = stats_of({2, 4, 4, 4});
  a.merge(stats_of({5, 5, 7, 9}));
  CHECK(a.count() == 8);
  CHECK(a.mean() == Approx(5.0));
  CHECK(a.variance() == Approx(32.0 / 7.0));  // as for all eight in one pass
}

TEST_CASE("welford merge: each part weighs as much as it holds (1 value and 3 values)") {
  RunningStats a = stats_of({10});
  a.merge(stats_of({2, 2, 2}));
  CHECK(a.count() == 4);
  CHECK(a.mean() == Approx(4.0));  // (10 + 2 + 2 + 2) / 4, not (10 + 2) / 2
  CHECK(a.variance() == Approx(16.0));
}

TEST_CASE("welford merge: lesson 07's 600/400 split equals one pass, as streamlab::OnlineStats says") {
  streamlab::Random rng{42};
  RunningStats worker_a;
  RunningStats worker_b;
  streamlab::OnlineStats one_pass;
  for (int i = 0; i < 1000; ++i) {
    const double reading = rng.normal(100.0, 15.0);
    (i < 600 ? worker_a : worker_b).add(reading);
    one_pass.add(reading);
  }
  worker_a.merge(worker_b);
  CHECK(worker_a.count() == 1000);
  CHECK(worker_a.mean() == Approx(one_pass.mean()).epsilon(1e-12));
  CHECK(worker_a.variance() == Approx(one_pass.variance()).epsilon(1e-9));
}

TEST_CASE("welford merge: merging an empty summary changes nothing, and merging into one copies the other") {
  RunningStats a = stats_of({1, 2, 3, 4});
  a.merge(RunningStats{});
  CHECK(a.count() == 4);
  CHECK(a.mean() == Approx(2.5));
  CHECK(a.variance() == Approx(5.0 / 3.0));

  RunningStats empty;
  empty.merge(stats_of({1, 2, 3, 4}));
  CHECK(empty.count() == 4);
  CHECK(empty.mean() == Approx(2.5));
  CHECK(empty.variance() == Approx(5.0 / 3.0));
}

TEST_CASE("welford merge: two empty summaries merge into an empty one that still adds up") {
  RunningStats a;
  a.merge(RunningStats{});
  CHECK(a.count() == 0);
  a.add(3);
  a.add(5);
  CHECK(a.mean() == Approx(4.0));
  CHECK(a.variance() == Approx(2.0));
}
