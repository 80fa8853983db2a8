// Online statistics: count, mean, variance, min and max in one pass and O(1) memory, mergeable; EWMA.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace streamlab {

/// Count, mean, variance, standard deviation, min and max of a stream of numbers, updated one
/// value at a time in O(1) time and memory, numerically stable, and mergeable.
///
/// - **Welford's update** keeps the mean and M2 (the sum of squared deviations from the mean)
///   instead of Σx and Σx². The textbook `(Σx² − (Σx)²/n) / (n − 1)` subtracts two huge, nearly
///   equal numbers when the data sit far from zero, and loses every digit (it can even go
///   negative); Welford's update only ever adds small, positive terms.
/// - The mean is kept with a compensation term (a second double holding the rounding error of the
///   first), so after millions of values like 10000000.1, .2, .3 it is still the double nearest to
///   the true mean; plain Welford drifts by hundreds of units in the last place there.
/// - **merge** (Chan, Golub & LeVeque) combines the statistics of two parts of a stream into those
///   of the whole, so workers can each summarise a shard and one of them adds the rest.
///
/// - **Numbers at the edge**: no result overflows that fits in a double. The mean of 1e308, 1e308
///   and −1e308 is 3.33e307 (x − mean would overflow there: such an update takes a weighted average
///   instead); the variances are +∞ only when Σ(x − mean)² itself exceeds the largest double
///   (values spread by more than about 1e154), an honest "too large".
///
/// Statistics of nothing are undefined: mean(), min() and max() are NaN when count() is 0, and
/// variance() (the sample variance, divided by n − 1) is NaN when count() < 2. Values must be
/// finite: one NaN or infinity makes the mean and the variances NaN for good (min and max skip a
/// NaN), so filter them first, as lesson 07 does.
/// Not thread-safe: one per worker, then merge() them on one thread.
///
/// **Example**
/// \code
/// streamlab::OnlineStats a, b;
/// for (double x : {1.0, 2.0, 3.0}) a.add(x);
/// for (double x : {4.0, 5.0}) b.add(x);
/// a.merge(b);                   // as if all five had been added to a
/// fmt::print("{} {} {}\n", a.count(), a.mean(), a.variance());   // 5 3 2.5
/// \endcode
class OnlineStats {
 public:
  /// Adds one value.
  void add(double x) noexcept {
    ++count_;
    const double delta = (x - mean_) - mean_low_;  // x minus the full (two-part) mean
    if (std::isinf(delta) && std::isfinite(x)) return add_far(x);
    // A multiplication by 1/n, which does not depend on the mean, keeps the division off the chain
    // of dependent operations (bench/README.md, Online statistics).
    add_to_mean(delta * (1.0 / static_cast<double>(count_)));
    m2_ += delta * ((x - mean_) - mean_low_);  // old deviation × new deviation: never negative
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }

  /// Adds the statistics of another part of the stream, as if its values had been added here.
  void merge(const OnlineStats& other) noexcept {
    if (other.count_ == 0) return;
    if (count_ == 0) {
      *this = other;
      return;
    }
    const double n_a = static_cast<double>(count_);
    const double n_b = static_cast<double>(other.count_);
    const double n = n_a + n_b;
    const double delta = (other.mean_ - mean_) + (other.mean_low_ - mean_low_);
    if (std::isinf(delta) && std::isfinite(mean_) && std::isfinite(other.mean_)) {
      // The means sit at opposite ends of the doubles (their difference overflows): a weighted
      // average, which cannot overflow, and a spread too large for a double.
      mean_ = mean_ * (n_a / n) + other.mean_ * (n_b / n);
      mean_low_ = 0.0;
      m2_ = std::numeric_limits<double>::infinity();
      count_ += other.count_;
      min_ = std::min(min_, other.min_);
      max_ = std::max(max_, other.max_);
      return;
    }
    add_to_mean(delta * (n_b / n));
    m2_ += other.m2_ + delta * delta * (n_a * (n_b / n));
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }

  /// Number of values added.
  std::uint64_t count() const noexcept { return count_; }
  /// Arithmetic mean; NaN when empty.
  double mean() const noexcept { return count_ == 0 ? nan() : mean_; }
  /// Sample variance, Σ(x − mean)² / (n − 1) (what Python's statistics.variance gives); NaN when n < 2.
  double variance() const noexcept { return count_ < 2 ? nan() : m2_ / static_cast<double>(count_ - 1); }
  /// Population variance, Σ(x − mean)² / n; NaN when empty.
  double population_variance() const noexcept { return count_ == 0 ? nan() : m2_ / static_cast<double>(count_); }
  /// Sample standard deviation, √variance(); NaN when n < 2.
  double stddev() const noexcept { return std::sqrt(variance()); }
  /// Population standard deviation; NaN when empty.
  double population_stddev() const noexcept { return std::sqrt(population_variance()); }
  /// Smallest value; NaN when empty.
  double min() const noexcept { return count_ == 0 ? nan() : min_; }
  /// Largest value; NaN when empty.
  double max() const noexcept { return count_ == 0 ? nan() : max_; }

  /// Everything an OnlineStats holds, exactly: to save partial statistics (a checkpoint, a row in a
  /// database, a hash in Redis as lesson 10 does) and restore them with from_state(). The mean is
  /// two doubles (`mean + mean_low`), and `m2` is Σ(x − mean)², not the variance.
  struct State {
    std::uint64_t count = 0;                                ///< values added
    double mean = 0.0;                                      ///< the mean, rounded
    double mean_low = 0.0;                                  ///< the rounding error of `mean`
    double m2 = 0.0;                                        ///< sum of squared deviations from the mean
    double min = std::numeric_limits<double>::infinity();   ///< smallest value (+∞ when empty)
    double max = -std::numeric_limits<double>::infinity();  ///< largest value (−∞ when empty)
  };
  /// The exact state, for from_state().
  State state() const noexcept { return {count_, mean_, mean_low_, m2_, min_, max_}; }
  /// The statistics whose state() is `s`: a saved state restored, bit for bit.
  static OnlineStats from_state(const State& s) noexcept {
    OnlineStats stats;
    stats.count_ = s.count;
    stats.mean_ = s.mean;
    stats.mean_low_ = s.mean_low;
    stats.m2_ = s.m2;
    stats.min_ = s.min;
    stats.max_ = s.max;
    return stats;
  }

 private:
  static double nan() noexcept { return std::numeric_limits<double>::quiet_NaN(); }

  // add() when x − mean overflows (x and the mean near opposite ends of the doubles): the new mean
  // as a weighted average of the old one and x, which stays finite; the spread is beyond a double.
  void add_far(double x) noexcept {
    const double n = static_cast<double>(count_);
    mean_ = mean_ * ((n - 1.0) / n) + x / n;
    mean_low_ = 0.0;
    m2_ = std::numeric_limits<double>::infinity();  // (x − mean)² is far beyond a double
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }

  // mean_ + mean_low_ is the mean; TwoSum keeps mean_ the rounded value and mean_low_ the exact error.
  void add_to_mean(double increment) noexcept {
    const double y = mean_low_ + increment;
    const double sum = mean_ + y;
    const double y_part = sum - mean_;
    mean_low_ = (mean_ - (sum - y_part)) + (y - y_part);
    mean_ = sum;
  }

  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double mean_low_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// An exponentially weighted moving average: each new value x moves the average by
/// alpha · (x − average), so recent values count most and old ones fade geometrically
/// (a value k steps back has weight alpha · (1 − alpha)^k). O(1) memory, no window to keep.
/// Larger alpha follows changes faster and smooths less. The first value starts the average.
/// Not thread-safe: one per stream.
///
/// **Example**
/// \code
/// streamlab::ExponentialMovingAverage ewma{0.5};
/// for (double x : {10.0, 20.0, 20.0}) ewma.add(x);
/// double v = ewma.value();   // 10 → 15 → 17.5
/// \endcode
class ExponentialMovingAverage {
 public:
  /// Throws std::invalid_argument unless 0 < alpha <= 1.
  explicit ExponentialMovingAverage(double alpha) : alpha_(alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0))
      throw std::invalid_argument("ExponentialMovingAverage: alpha must be in (0, 1]");
  }
  /// Adds one value.
  void add(double x) noexcept {
    value_ = count_ == 0 ? x : value_ + alpha_ * (x - value_);
    ++count_;
  }
  /// The current average; NaN before the first value.
  double value() const noexcept { return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : value_; }
  /// Number of values added.
  std::uint64_t count() const noexcept { return count_; }
  /// The smoothing factor given at construction.
  double alpha() const noexcept { return alpha_; }

 private:
  double alpha_;
  double value_ = 0.0;
  std::uint64_t count_ = 0;
};

}  // namespace streamlab
