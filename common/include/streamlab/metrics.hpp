// Measuring a run: elapsed time and the process's peak memory, for the lessons' measured lines;
// progress on stderr while a long run goes on.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace streamlab {

/// A stopwatch on the steady clock: started when constructed, read as often as needed.
/// Not thread-safe: one per measurement, read by the thread that started it.
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

/// A progress line on stderr, redrawn in place, only when stderr is a terminal: output that goes to
/// a file, a pipe or a golden test never holds it. Cleared by clear() or the destructor, so the
/// next line printed starts on a clean line. Ask due() often (it only reads the clock) and build
/// the text only when it says yes: the line changes at most once per interval.
/// Not thread-safe: one thread updates it (the stage that sees the progress).
///
/// **Example**
/// \code
/// streamlab::ProgressLine progress;
/// for (std::int64_t i = 0; i < rows; ++i) {
///   if (i % 4096 == 0 && progress.due()) progress.show(fmt::format("{} of {} rows", i, rows));
///   write_row(i);
/// }
/// progress.clear();
/// \endcode
class ProgressLine {
 public:
  /// On stderr, enabled when stderr is a terminal (`isatty`), redrawn at most once a second.
  ProgressLine() noexcept;
  /// On `fd`, enabled or not as told, at most once per `interval` (for tests).
  ProgressLine(int fd, bool enabled, std::chrono::steady_clock::duration interval) noexcept;
  /// Clears the line if one is shown.
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Whether the line is drawn at all.
  bool enabled() const noexcept { return enabled_; }
  /// True when enabled and at least the interval has passed since it was constructed or last
  /// said true.
  bool due() noexcept;
  /// Replaces the line with `text` (one line, no newline). Nothing when disabled.
  void show(std::string_view text) noexcept;
  /// Erases the line, if one is shown.
  void clear() noexcept;

 private:
  int fd_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace streamlab
