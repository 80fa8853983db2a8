#include "streamlab/random.hpp"
#include "streamlab/stats.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

using streamlab::ExponentialMovingAverage;
using streamlab::OnlineStats;
using streamlab::Random;

namespace {
// The oracle: two passes in long double over data kept in memory.
struct Exact {
  long double mean = 0;
  long double variance = 0;  // sample, n - 1
  double min = 0;
  double max = 0;
};

Exact exact(const std::vector<double>& data) {
  Exact e;
  long double sum = 0;
  for (double x : data) sum += x;
  e.mean = sum / static_cast<long double>(data.size());
  long double squares = 0;
  for (double x : data) squares += (x - e.mean) * (x - e.mean);
  e.variance = squares / static_cast<long double>(data.size() - 1);
  e.min = *std::min_element(data.begin(), data.end());
  e.max = *std::max_element(data.begin(), data.end());
  return e;
}

OnlineStats stats_of(const std::vector<double>& data, std::size_t begin = 0, std::size_t end = SIZE_MAX) {
  OnlineStats s;
  for (std::size_t i = begin; i < std::min(end, data.size()); ++i) s.add(data[i]);
  return s;
}

double relative_error(double value, long double truth) {
  return static_cast<double>(std::fabs((static_cast<long double>(value) - truth) / truth));
}

std::vector<double> noisy_data(Random& rng, std::size_t n, double offset, double spread) {
  std::vector<double> data(n);
  for (double& x : data) x = offset + rng.normal(0.0, spread);
  return data;
}
}  // namespace

TEST_CASE("every statistic matches a two-pass computation on random data") {
  Random rng{7};
  for (double offset : {0.0, 100.0, -5e3, 1e6}) {
    for (std::size_t n : {2u, 3u, 10u, 1000u, 50'000u}) {
      const auto data = noisy_data(rng, n, offset, 15.0);
      const Exact truth = exact(data);
      const OnlineStats s = stats_of(data);
      INFO("offset " << offset << ", n " << n);
      CHECK(s.count() == n);
      CHECK(relative_error(s.mean(), truth.mean) < 1e-14);
      CHECK(relative_error(s.variance(), truth.variance) < 1e-12);
      CHECK(relative_error(s.population_variance(), truth.variance * static_cast<long double>(n - 1) / n) < 1e-12);
      CHECK(relative_error(s.stddev(), std::sqrt(truth.variance)) < 1e-12);
      CHECK(s.min() == truth.min);
      CHECK(s.max() == truth.max);
    }
  }
}

TEST_CASE("small known cases") {
  OnlineStats s;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) s.add(x);
  CHECK(s.mean() == 5.0);
  CHECK(s.population_variance() == 4.0);
  CHECK(s.population_stddev() == 2.0);
  CHECK(s.variance() == Approx(32.0 / 7.0).epsilon(1e-15));
  CHECK(s.min() == 2.0);
  CHECK(s.max() == 9.0);
}

TEST_CASE("statistics of nothing are NaN; variance needs two values") {
  OnlineStats empty;
  CHECK(empty.count() == 0);
  CHECK(std::isnan(empty.mean()));
  CHECK(std::isnan(empty.variance()));
  CHECK(std::isnan(empty.population_variance()));
  CHECK(std::isnan(empty.min()));
  CHECK(std::isnan(empty.max()));
  OnlineStats one;
  one.add(3.5);
  CHECK(one.mean() == 3.5);
  CHECK(std::isnan(one.variance()));
  CHECK(std::isnan(one.stddev()));
  CHECK(one.population_variance() == 0.0);
  CHECK(one.min() == 3.5);
  CHECK(one.max() == 3.5);
}

TEST_CASE("merging the parts of a random split gives what one pass gives") {
  Random rng{11};
  const auto data = noisy_data(rng, 20'000, 250.0, 40.0);
  const OnlineStats whole = stats_of(data);
  for (int trial = 0; trial < 50; ++trial) {
    // Cut the data at a few random places (empty parts included), summarise each part, merge.
    const auto parts = static_cast<std::size_t>(rng.uniform_int(1, 8));
    std::vector<std::size_t> cuts{std::size_t{0}, data.size()};
    for (std::size_t i = 1; i < parts; ++i) cuts.push_back(static_cast<std::size_t>(rng.uniform_int(0, 20'000)));
    std::sort(cuts.begin(), cuts.end());
    OnlineStats merged;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) merged.merge(stats_of(data, cuts[i], cuts[i + 1]));
    INFO("trial " << trial);
    CHECK(merged.count() == whole.count());
    CHECK(merged.mean() == Approx(whole.mean()).epsilon(1e-14));
    CHECK(merged.variance() == Approx(whole.variance()).epsilon(1e-12));
    CHECK(merged.min() == whole.min());
    CHECK(merged.max() == whole.max());
  }
}

TEST_CASE("merging with an empty summary changes nothing, either way round") {
  OnlineStats a;
  for (double x : {1.0, 2.0, 6.0}) a.add(x);
  OnlineStats left = a;
  left.merge(OnlineStats{});
  OnlineStats right;
  right.merge(a);
  for (const OnlineStats& s : {left, right}) {
    CHECK(s.count() == 3);
    CHECK(s.mean() == 3.0);
    CHECK(s.variance() == 7.0);
    CHECK(s.min() == 1.0);
    CHECK(s.max() == 6.0);
  }
}

TEST_CASE("ill-conditioned data: the mean is exact and the stddev has 8 or more correct digits") {
  const double values[] = {10000000.1, 10000000.2, 10000000.3};
  // The truth for the three doubles as stored (not the decimals), in long double.
  const long double mean = (static_cast<long double>(values[0]) + values[1] + values[2]) / 3.0L;
  long double squares = 0;
  for (double x : values) squares += (x - mean) * (x - mean);
  for (int repeats : {1, 10, 1000, 100'000}) {
    OnlineStats s;
    double sum = 0;
    double sum_squares = 0;
    for (int r = 0; r < repeats; ++r) {
      for (double x : values) {
        s.add(x);
        sum += x;
        sum_squares += x * x;
      }
    }
    const long double variance = squares * repeats / (3.0L * repeats - 1);
    INFO(repeats << " repeats");
    CHECK(s.mean() == static_cast<double>(mean));  // the double nearest the true mean
    CHECK(relative_error(s.stddev(), std::sqrt(variance)) < 5e-9);
    // The textbook formula on the same data, to show what the test is guarding against.
    const double n = 3.0 * repeats;
    const double naive = (sum_squares - sum * sum / n) / (n - 1);
    CHECK(relative_error(naive, variance) > 0.01);
  }
}

TEST_CASE("an exponentially weighted mean follows the recent values") {
  ExponentialMovingAverage ewma{0.5};
  CHECK(std::isnan(ewma.value()));
  ewma.add(10.0);
  CHECK(ewma.value() == 10.0);
  ewma.add(20.0);
  CHECK(ewma.value() == 15.0);
  ewma.add(20.0);
  CHECK(ewma.value() == 17.5);
  CHECK(ewma.count() == 3);
  // After a level shift it converges to the new level geometrically.
  ExponentialMovingAverage slow{0.1};
  for (int i = 0; i < 100; ++i) slow.add(0.0);
  for (int i = 0; i < 100; ++i) slow.add(1.0);
  CHECK(slow.value() == Approx(1.0 - std::pow(0.9, 100)).epsilon(1e-12));
}

TEST_CASE("alpha outside (0, 1] is rejected") {
  CHECK_THROWS_AS(ExponentialMovingAverage{0.0}, std::invalid_argument);
  CHECK_THROWS_AS(ExponentialMovingAverage{1.5}, std::invalid_argument);
  CHECK_THROWS_AS(ExponentialMovingAverage{std::nan("")}, std::invalid_argument);
  CHECK_NOTHROW(ExponentialMovingAverage{1.0});
}

TEST_CASE("a NaN poisons the mean and variance, as documented") {
  OnlineStats s;
  s.add(1.0);
  s.add(std::nan(""));
  s.add(3.0);
  CHECK(std::isnan(s.mean()));
  CHECK(std::isnan(s.variance()));
  CHECK(s.min() == 1.0);
  CHECK(s.max() == 3.0);
}

TEST_CASE("values near the largest double: the mean is right, a variance too large is +inf, not NaN") {
  OnlineStats s;
  for (double x : {1e308, 1e308, -1e308}) s.add(x);
  CHECK(s.mean() == Approx(1e308 / 3).epsilon(1e-12));  // x − mean overflowed here: the mean was NaN
  CHECK(s.variance() == std::numeric_limits<double>::infinity());
  CHECK(s.min() == -1e308);
  CHECK(s.max() == 1e308);
  s.add(1e308);  // and the next values go on from the right mean
  CHECK(s.mean() == Approx(0.5e308).epsilon(1e-12));

  // Large values whose spread fits in a double: finite and right.
  OnlineStats wide;
  for (double x : {1e153, -1e153, 1e153, -1e153}) wide.add(x);
  CHECK(wide.mean() == 0.0);
  CHECK(wide.variance() == Approx(4e306 / 3).epsilon(1e-12));

  // The same across a merge: two summaries whose means differ by more than the largest double.
  OnlineStats high, low;
  for (double x : {1.5e308, 1.5e308}) high.add(x);
  low.add(-1.5e308);
  high.merge(low);
  CHECK(high.count() == 3);
  CHECK(high.mean() == Approx(0.5e308).epsilon(1e-12));
  CHECK(high.variance() == std::numeric_limits<double>::infinity());
  CHECK(high.min() == -1.5e308);
  OnlineStats other_way;
  other_way.add(-1.5e308);
  OnlineStats both_high;
  for (double x : {1.5e308, 1.5e308}) both_high.add(x);
  other_way.merge(both_high);
  CHECK(other_way.mean() == Approx(0.5e308).epsilon(1e-12));
}

TEST_CASE("state() and from_state() restore statistics bit for bit, so a saved partial merges as the original") {
  OnlineStats a, b;
  for (double x : {1e7 + 0.1, 1e7 + 0.2, 1e7 + 0.3}) a.add(x);
  for (double x : {1e7 + 0.4, 1e7 + 0.5}) b.add(x);
  const OnlineStats restored = OnlineStats::from_state(b.state());
  CHECK(restored.count() == b.count());
  CHECK(restored.mean() == b.mean());
  CHECK(restored.variance() == b.variance());
  CHECK(restored.min() == b.min());
  CHECK(restored.max() == b.max());
  OnlineStats direct = a, via_state = a;
  direct.merge(b);
  via_state.merge(restored);
  CHECK(via_state.mean() == direct.mean());
  CHECK(via_state.variance() == direct.variance());
  const OnlineStats empty = OnlineStats::from_state(OnlineStats{}.state());
  CHECK(empty.count() == 0);
  CHECK(std::isnan(empty.mean()));
  OnlineStats grown = empty;
  grown.add(2.0);
  CHECK(grown.min() == 2.0);
  CHECK(grown.max() == 2.0);
}
