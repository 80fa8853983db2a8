// RateLimiter: a token bucket that lets at most `rate` items per second through, with bursts of up to `burst`.
#pragma once

#include "streamlab/clock.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace streamlab {

/// A token bucket: tokens drip in at `rate` per second up to `burst`; each item takes one.
/// `acquire()` waits until a token is there (the seed's `rate_limiter.acquire()`), `try_acquire()`
/// takes one only if it is there now. Works on any Clock: on a ManualClock a waiting `acquire`
/// wakes when the clock is advanced, so the limiter can be checked to the nanosecond.
///
/// Time is kept in whole nanoseconds, not as a floating-point token count, so the bucket never
/// drifts: one token every `interval() = round(1 s / rate)`, which is exact for rates that
/// divide 10^9 (100/s gives exactly 10 ms). The bucket starts full.
///
/// Safe to share between threads; waiting threads sleep on a condition variable.
///
/// **Example** (the seed's loop, 100 items per second)
/// \code
/// streamlab::RateLimiter rate_limiter{100.0};
/// for (const auto& item : stream) {
///   rate_limiter.acquire();   // waits for a token: at most 100 items per second go on
///   process(item);
/// }
/// \endcode
class RateLimiter {
 public:
  using time_point = Clock::time_point;  ///< a time on the limiter's clock
  using duration = Clock::duration;      ///< nanoseconds

  /// `rate` tokens per second (finite, > 0 and at most 10^9), a bucket of `burst` tokens (>= 1),
  /// on `clock`, which must outlive the limiter. Bad values throw std::invalid_argument.
  explicit RateLimiter(double rate, std::int64_t burst = 1, Clock& clock = SteadyClock::instance());

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  /// Waits until `tokens` tokens are there and takes them. `tokens` must lie in [1, burst]:
  /// more could never be there at once (std::invalid_argument).
  void acquire(std::int64_t tokens = 1);
  /// Takes `tokens` tokens if they are there now; returns whether it did. Never waits.
  bool try_acquire(std::int64_t tokens = 1);
  /// Waits until `tokens` are there or `deadline` comes; returns whether it took them.
  bool try_acquire_until(time_point deadline, std::int64_t tokens = 1);

  /// Whole tokens in the bucket now.
  std::int64_t available() const;
  /// When `tokens` tokens will be there (now, if they already are).
  time_point ready_at(std::int64_t tokens = 1) const;

  /// Time between two tokens: round(1 s / rate).
  duration interval() const noexcept { return interval_; }
  /// The most tokens the bucket holds: how many items may pass at once after a quiet spell.
  std::int64_t burst() const noexcept { return burst_; }
  /// Tokens taken so far.
  std::int64_t acquired() const;
  /// The clock the limiter reads and waits on.
  Clock& clock() const noexcept { return clock_; }

 private:
  void check_tokens(std::int64_t tokens) const;
  time_point ready_at_locked(std::int64_t tokens) const noexcept;
  void take_locked(std::int64_t tokens) noexcept;

  const duration interval_;
  const std::int64_t burst_;
  Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable refilled_;
  ClockWatch watch_{clock_, mutex_, refilled_};
  // The whole bucket is one number: the time at which it held (or will hold) zero tokens.
  // Tokens now = min(burst, (now - zero_at_) / interval); taking n tokens moves it n intervals on.
  time_point zero_at_;
  std::int64_t acquired_ = 0;
};

}  // namespace streamlab
