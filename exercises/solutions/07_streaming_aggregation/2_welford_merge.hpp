// Exercise 07.2 ★★ — Merging two summaries: the statistics of a stream split between workers
//
// Lesson 07 lets worker A summarise the first 600 readings and worker B the other 400, then
// merges the two summaries into exactly what one pass over all 1000 gives (Chan, Golub &
// LeVeque). Write merge(other): afterwards *this must hold the count, mean and m2 of all the
// values that went into either summary, as if every one of them had been added here.
//
// add(x) is Welford's update (exercise 07.1), given. m2_ is Σ(x − mean)² over the values so far.
//
// Check it:  scripts/exercise 07.2        Stuck?  scripts/exercise --hint 07.2
#pragma once

#include <cstdint>
#include <limits>

namespace exercise {

/// Count, mean and sample variance of the values added so far, in O(1) memory; mergeable.
class RunningStats {
 public:
  /// Adds one value (Welford's update).
  void add(double x) {
    ++count_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
  }

  /// Adds the statistics of another part of the stream, as if its values had been added here.
  void merge(const RunningStats& other) {
    if (other.count_ == 0) return;  // nothing to add (and no 0 / 0 below when both are empty)
    const double n_a = static_cast<double>(count_);
    const double n_b = static_cast<double>(other.count_);
    const double n = n_a + n_b;
    const double delta = other.mean_ - mean_;
    mean_ += delta * (n_b / n);                          // each part weighs as much as it holds
    m2_ += other.m2_ + delta * delta * (n_a * n_b / n);  // the spread between the two means counts too
    count_ += other.count_;
  }

  /// How many values were added.
  std::uint64_t count() const { return count_; }
  /// The mean; NaN when empty.
  double mean() const { return count_ == 0 ? nan() : mean_; }
  /// The sample variance, Σ(x − mean)² / (n − 1); NaN for fewer than two values.
  double variance() const { return count_ < 2 ? nan() : m2_ / static_cast<double>(count_ - 1); }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }

  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // Σ(x − mean)² over the values so far
};

}  // namespace exercise
