// Measuring a run: elapsed time and the process's peak memory, for the lessons' measured lines.
#pragma once

#include <chrono>
#include <cstdint>

namespace streamlab {

/// A stopwatch on the steady clock: started when constructed, read as often as needed.
///
/// **Example**
/// \code
/// streamlab::Stopwatch watch;
/// do_work();
/// streamlab::measured("Elapsed", watch.elapsed_ms(), "ms");
/// \endcode
class Stopwatch {
 public:
  /// Starts the stopwatch.
  Stopwatch() noexcept : start_(std::chrono::steady_clock::now()) {}
  /// Starts again from zero.
  void restart() noexcept { start_ = std::chrono::steady_clock::now(); }
  /// Time since the start (or the last restart).
  std::chrono::steady_clock::duration elapsed() const noexcept { return std::chrono::steady_clock::now() - start_; }
  /// Time since the start, in seconds.
  double elapsed_seconds() const noexcept { return std::chrono::duration<double>(elapsed()).count(); }
  /// Time since the start, in milliseconds.
  double elapsed_ms() const noexcept { return std::chrono::duration<double, std::milli>(elapsed()).count(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

/// The most resident memory this process has held so far, in bytes (`getrusage`'s ru_maxrss).
/// It never goes down: measure the lean way first, then the greedy way.
std::uint64_t peak_rss_bytes();

/// The resident memory this process holds now, in bytes (from /proc/self/statm; 0 if unavailable).
std::uint64_t current_rss_bytes();

/// Bytes as mebibytes, for measured lines.
constexpr double to_mib(std::uint64_t bytes) noexcept { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace streamlab
