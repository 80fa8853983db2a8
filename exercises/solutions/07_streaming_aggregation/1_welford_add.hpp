// Exercise 07.1 ★ — Welford's update: the mean and variance of a stream in one pass
//
// Lesson 07 summarises a stream with streamlab::OnlineStats, which keeps no value and never forms
// Σx² (far from zero, the textbook (Σx² − (Σx)²/n) / (n − 1) cancels catastrophically: the lesson
// shows it go negative). Write the heart of it: add(x).
//
// RunningStats keeps three numbers: count_, mean_ (the mean of the values so far) and m2_, the sum
// of squared deviations from that mean, Σ(x − mean)². variance() = m2_ / (count_ − 1) is given.
// add(x) must bring all three up to date for one more value, in O(1) time and memory.
//
// Check it:  scripts/exercise 07.1        Stuck?  scripts/exercise --hint 07.1
#pragma once

#include <cstdint>
#include <limits>

namespace exercise {

/// Count, mean and sample variance of the values added so far, in O(1) memory.
class RunningStats {
 public:
  /// Adds one value.
  void add(double x) {
    ++count_;
    const double delta = x - mean_;                // deviation from the old mean
    mean_ += delta / static_cast<double>(count_);  // the mean moves 1/n of the way towards x
    m2_ += delta * (x - mean_);                    // old deviation × new deviation: never negative
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
