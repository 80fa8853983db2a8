// Streaming quantiles in constant memory (the P² algorithm), and the exact quantile to check them.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>

namespace streamlab {

/// The exact p-quantile of sorted values, interpolating linearly between the two nearest ranks
/// (position p · (n − 1); numpy's default). NaN for no values; throws std::invalid_argument
/// unless 0 <= p <= 1. Needs every value in memory: the oracle the streaming estimator is judged by.
inline double exact_quantile(std::span<const double> sorted, double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("exact_quantile: p must be in [0, 1]");
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

/// An estimate of one quantile (p50, p90, p99, ...) of a stream in constant memory: the P²
/// algorithm of Jain & Chlamtac (1985). It keeps five markers — the minimum, the maximum, the
/// estimate and two points halfway to it — and after each value nudges the middle three toward
/// their ideal ranks, fitting a parabola through neighbouring markers. 22 numbers, whatever the
/// length of the stream; the first five values are kept exactly.
///
/// Accuracy: on smooth distributions (uniform, normal, exponential) the estimate lands within a
/// fraction of a percent of the true rank after a few thousand values (see the unit tests for the
/// bounds checked). There is no worst-case guarantee, and tail quantiles (p99) need more data than
/// the median. P² estimators cannot be merged: give each worker or key its own (OnlineStats is the
/// mergeable summary).
/// Not thread-safe: one estimator per stream or per worker (estimates cannot be merged).
///
/// **Example**
/// \code
/// streamlab::P2Quantile p99{0.99};
/// for (double latency : latencies) p99.add(latency);
/// fmt::print("p99 ≈ {:.2f}\n", p99.value());
/// \endcode
class P2Quantile {
 public:
  /// An estimator of the p-quantile; throws std::invalid_argument unless 0 < p < 1.
  explicit P2Quantile(double p) : p_(p) {
    if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("P2Quantile: p must be in (0, 1)");
    desired_ = {0.0, 2.0 * p, 4.0 * p, 2.0 + 2.0 * p, 4.0};
    increment_ = {0.0, p / 2.0, p, (1.0 + p) / 2.0, 1.0};
  }

  /// Adds one value (finite values only; a NaN would corrupt the markers).
  void add(double x) noexcept {
    if (count_ < 5) {
      height_[count_++] = x;
      if (count_ == 5) std::sort(height_.begin(), height_.end());
      return;
    }
    ++count_;
    // Find the cell x falls in, stretching the extremes if it lies outside them.
    std::size_t cell = 0;
    if (x < height_[0]) {
      height_[0] = x;
    } else if (x >= height_[4]) {
      height_[4] = std::max(height_[4], x);
      cell = 3;
    } else {
      while (cell < 3 && x >= height_[cell + 1]) ++cell;
    }
    for (std::size_t i = cell + 1; i < 5; ++i) position_[i] += 1.0;
    for (std::size_t i = 0; i < 5; ++i) desired_[i] += increment_[i];
    // Move each middle marker by one rank toward where it should be, if its neighbours allow.
    for (std::size_t i = 1; i < 4; ++i) {
      const double gap = desired_[i] - position_[i];
      if ((gap >= 1.0 && position_[i + 1] - position_[i] > 1.0) ||
          (gap <= -1.0 && position_[i - 1] - position_[i] < -1.0)) {
        const double step = gap > 0.0 ? 1.0 : -1.0;
        const double candidate = parabolic(i, step);
        height_[i] = (height_[i - 1] < candidate && candidate < height_[i + 1]) ? candidate : linear(i, step);
        position_[i] += step;
      }
    }
  }

  /// The current estimate: NaN when empty, exact (interpolated) for up to five values.
  double value() const noexcept {
    if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
    if (count_ >= 5) return height_[2];
    std::array<double, 5> first = height_;
    std::sort(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(count_));
    return exact_quantile(std::span<const double>(first.data(), count_), p_);
  }

  /// The quantile estimated (0.99 for p99).
  double p() const noexcept { return p_; }
  /// Number of values added.
  std::uint64_t count() const noexcept { return count_; }

 private:
  double parabolic(std::size_t i, double d) const noexcept {
    const double left = position_[i] - position_[i - 1];
    const double right = position_[i + 1] - position_[i];
    return height_[i] + d / (position_[i + 1] - position_[i - 1]) *
                            ((left + d) * (height_[i + 1] - height_[i]) / right +
                             (right - d) * (height_[i] - height_[i - 1]) / left);
  }
  double linear(std::size_t i, double d) const noexcept {
    const std::size_t j = d > 0.0 ? i + 1 : i - 1;
    return height_[i] + d * (height_[j] - height_[i]) / (position_[j] - position_[i]);
  }

  double p_;
  std::uint64_t count_ = 0;
  std::array<double, 5> height_{};                           // marker values q0..q4
  std::array<double, 5> position_{0.0, 1.0, 2.0, 3.0, 4.0};  // their ranks (0-based)
  std::array<double, 5> desired_{};                          // the ranks they should have
  std::array<double, 5> increment_{};                        // how much desired_ grows per value
};

}  // namespace streamlab
