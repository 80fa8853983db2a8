#include "streamlab/robust_scale.hpp"

#include "streamlab/random.hpp"
#include "streamlab/stats.hpp"

#include <catch2/catch.hpp>

#include <vector>

TEST_CASE("median and MAD of a few values") {
  const std::vector<double> odd{3, 1, 2, 100, 4};
  const auto a = streamlab::robust_scale(odd);
  CHECK(a.median == 3);
  CHECK(a.sigma == Approx(1.4826));  // deviations 0, 2, 1, 97, 1: their median is 1
  const std::vector<double> even{20.1, 19.8, -999999, 20.3, 20.0, 19.9};
  const auto b = streamlab::robust_scale(even);
  CHECK(b.median == Approx(19.95));
  CHECK(b.sigma == Approx(1.4826 * 0.15));
}

TEST_CASE("a sentinel in 30 readings moves the standard deviation without bound, the robust scale not at all") {
  streamlab::Random rng{3};
  std::vector<double> readings;
  for (int i = 0; i < 30; ++i) readings.push_back(20.0 + rng.normal(0.0, 0.5));
  const auto clean = streamlab::robust_scale(readings);
  readings[7] = -999999;
  streamlab::OnlineStats stats;
  for (double x : readings) stats.add(x);
  const auto dirty = streamlab::robust_scale(readings);
  CHECK(stats.stddev() > 100'000);
  CHECK(dirty.sigma < 1.0);
  CHECK(dirty.sigma == Approx(clean.sigma).epsilon(0.3));
  CHECK(dirty.is_outlier(-999999, 5));
  int outliers = 0;
  for (double x : readings) outliers += dirty.is_outlier(x, 5);
  CHECK(outliers == 1);
}

TEST_CASE("when most values are equal the MAD is 0 and the mean deviation takes over; all equal: no outliers") {
  const std::vector<double> steps{5, 5, 5, 5, 5, 6, 4};
  const auto s = streamlab::robust_scale(steps);
  CHECK(s.median == 5);
  CHECK(s.sigma == Approx(1.2533 * 2.0 / 7.0));
  CHECK_FALSE(s.is_outlier(6, 5));
  const std::vector<double> flat{2, 2, 2};
  const auto f = streamlab::robust_scale(flat);
  CHECK(f.sigma == 0);
  CHECK_FALSE(f.is_outlier(1e9, 5));
  CHECK(streamlab::robust_scale({}).sigma == 0);
}
