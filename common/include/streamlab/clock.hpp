// Clock: the steady clock and a manual (virtual-time) clock behind one interface, for code that waits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace streamlab {

/// Where time comes from for code that reads the time or waits for it (BoundedQueue's timed waits,
/// RateLimiter, AdaptiveBatcher). Two implementations: SteadyClock (real time) and ManualClock
/// (virtual time that moves only when told to), so time-based code can be tested and shown step by
/// step, exactly, without sleeping.
///
/// Waiting code holds a mutex and a condition variable and calls `wait_until`; because a manual
/// clock must wake such a waiter when its time moves, each (mutex, condition variable) pair used
/// for timed waits is registered with the clock for its lifetime by a ClockWatch.
///
/// **Example** (a timed wait that works on both clocks)
/// \code
/// class Mailbox {
///  public:
///   explicit Mailbox(streamlab::Clock& clock) : clock_(clock), watch_(clock, mutex_, ready_) {}
///   bool wait_for_mail(streamlab::Clock::time_point deadline) {
///     std::unique_lock lock(mutex_);
///     while (!has_mail_ && clock_.now() < deadline) clock_.wait_until(lock, ready_, deadline);
///     return has_mail_;
///   }
///   ...
///  private:
///   streamlab::Clock& clock_;
///   std::mutex mutex_;
///   std::condition_variable ready_;
///   streamlab::ClockWatch watch_;   // declared after the pair it watches
///   bool has_mail_ = false;
/// };
/// \endcode
/// Thread-safe: now() and wait_until() may be called from any thread (so may ManualClock::advance).
class Clock {
 public:
  /// Nanoseconds, on both clocks.
  using duration = std::chrono::nanoseconds;
  /// A point in time on this clock. Both clocks use the steady clock's time_point type, so a
  /// deadline is written the same way for either; a ManualClock starts at `time_point{}` (zero).
  using time_point = std::chrono::time_point<std::chrono::steady_clock, duration>;

  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  /// The current time.
  virtual time_point now() const noexcept = 0;

  /// Blocks on `ready` (the caller holds `lock`) until it is notified or this clock reaches
  /// `deadline`, whichever comes first. Like `std::condition_variable::wait_until` it may return
  /// early (a spurious or unrelated wake-up), so call it in a loop that re-checks the condition and
  /// the time. On a ManualClock the pair (`lock`'s mutex, `ready`) must be watched (ClockWatch),
  /// or an advance of the clock cannot wake the waiter.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& ready, time_point deadline) = 0;

  /// Blocks the calling thread until this clock reaches `deadline`.
  virtual void sleep_until(time_point deadline) = 0;

  /// Blocks the calling thread for `delay` on this clock.
  void sleep_for(duration delay) { sleep_until(now() + delay); }

 private:
  friend class ClockWatch;
  // Only a ManualClock keeps a list of watched pairs; the steady clock ignores them.
  virtual void add_watch(std::mutex& mutex, std::condition_variable& ready) {
    static_cast<void>(mutex);
    static_cast<void>(ready);
  }
  virtual void remove_watch(std::condition_variable& ready) noexcept { static_cast<void>(ready); }
};

/// Registers a (mutex, condition variable) pair with a clock for as long as it lives: when a
/// ManualClock is advanced it locks the mutex and notifies the condition variable, so a thread
/// in `Clock::wait_until` wakes and re-checks its deadline. Costs nothing on the SteadyClock.
///
/// Declare it after the mutex and condition variable it watches (so it is destroyed first), and
/// never create or destroy one while holding that mutex.
/// Thread-safe once made; make and destroy it on the thread that owns the pair it watches.
class ClockWatch {
 public:
  /// Watches (`mutex`, `ready`) on `clock`.
  ClockWatch(Clock& clock, std::mutex& mutex, std::condition_variable& ready) : clock_(clock), ready_(ready) {
    clock_.add_watch(mutex, ready_);
  }
  ClockWatch(const ClockWatch&) = delete;
  ClockWatch& operator=(const ClockWatch&) = delete;
  ~ClockWatch() { clock_.remove_watch(ready_); }

 private:
  Clock& clock_;
  std::condition_variable& ready_;
};

/// Real time: `std::chrono::steady_clock`, which never jumps back. Use the shared instance.
/// Thread-safe: it has no state of its own.
class SteadyClock final : public Clock {
 public:
  /// The one instance every default argument uses.
  static SteadyClock& instance() noexcept;

  time_point now() const noexcept override {
    return std::chrono::time_point_cast<duration>(std::chrono::steady_clock::now());
  }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& ready, time_point deadline) override;
  void sleep_until(time_point deadline) override;

 private:
  SteadyClock() = default;
};

/// Virtual time: starts at zero and moves only when `advance` or `advance_to` is called, and then
/// wakes every thread waiting on it so each can check its deadline. Tests step time by hand and
/// check behaviour exactly, with no sleeps; lessons run "seconds" of work in microseconds.
///
/// In `Mode::auto_advance` a wait for a later time moves the clock straight to that time instead
/// of blocking: a single-threaded simulation then simply runs, and `sleep_for(10ms)` costs nothing
/// but advances the clock by 10 ms. (Tokio's paused test clock auto-advances the same way.) Use
/// auto-advance with one thread; with several threads use `Mode::manual` and move time yourself.
/// Thread-safe: one thread may advance() while others wait on it.
///
/// **Example**
/// \code
/// streamlab::ManualClock clock;                       // time 0
/// streamlab::RateLimiter limiter{100.0, 1, clock};    // 100 per second, burst 1
/// limiter.try_acquire();                              // true: the bucket starts full
/// limiter.try_acquire();                              // false: the next token comes at 10 ms
/// clock.advance(std::chrono::milliseconds(10));
/// limiter.try_acquire();                              // true
/// \endcode
class ManualClock final : public Clock {
 public:
  /// How waits behave: block until someone advances the clock, or advance it themselves.
  enum class Mode { manual, auto_advance };

  /// A clock reading `start` (zero by default).
  explicit ManualClock(Mode mode = Mode::manual, time_point start = time_point{});
  ~ManualClock() override;

  time_point now() const noexcept override { return now_.load(std::memory_order_acquire); }

  /// Moves time forward by `step` (negative steps are rejected: std::invalid_argument) and wakes
  /// every waiter so that those whose deadline has come can go on.
  void advance(duration step);
  /// Moves time forward to `when`; does nothing when `when` is not later than now.
  void advance_to(time_point when);

  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& ready, time_point deadline) override;
  void sleep_until(time_point deadline) override;

  /// How many threads are blocked in `wait_until` or `sleep_until` with a deadline still ahead.
  std::size_t sleepers() const;
  /// The earliest deadline a sleeping thread waits for, if any thread sleeps.
  std::optional<time_point> next_deadline() const;
  /// For tests: blocks until at least `count` threads have gone to sleep on this clock since it
  /// last moved (so a thread woken by an advance has looked at the new time and gone back to
  /// sleep). Returns false if that has not happened within `guard` of real time — a guard against
  /// a bug hanging a test, never a timing the test depends on.
  bool wait_for_sleepers(std::size_t count, std::chrono::milliseconds guard = std::chrono::seconds(10)) const;

 private:
  struct Watch {
    std::mutex* mutex;
    std::condition_variable* ready;
  };
  struct Sleeper {
    time_point deadline;
    std::uint64_t epoch;  // the advance count when the thread went to sleep
    std::uint64_t id;
  };

  void add_watch(std::mutex& mutex, std::condition_variable& ready) override;
  void remove_watch(std::condition_variable& ready) noexcept override;
  std::uint64_t add_sleeper(time_point deadline);
  void remove_sleeper(std::uint64_t id);

  const Mode mode_;
  std::atomic<time_point> now_;

  // Lock order: watches_mutex_ before any watched mutex; sleepers_mutex_ is taken last, alone.
  std::mutex watches_mutex_;
  std::vector<Watch> watches_;

  mutable std::mutex sleepers_mutex_;
  mutable std::condition_variable sleepers_changed_;
  std::vector<Sleeper> sleepers_;
  std::uint64_t epoch_ = 0;
  std::uint64_t next_sleeper_id_ = 0;

  // sleep_until's own watched pair.
  std::mutex sleep_mutex_;
  std::condition_variable sleep_ready_;
};

}  // namespace streamlab
