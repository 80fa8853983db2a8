// Exercise 08.2 ★★ — A token bucket on a manual clock: a rate limit with a bounded burst
//
// Lesson 08's RateLimiter{100} lets 100 items a second through. It is a token bucket: tokens drip
// in at `rate` per second, up to `burst` tokens, and each item takes one. After a quiet spell the
// bucket is full, so up to `burst` items may pass at once — never more, however long the quiet
// spell was. The bucket starts full. Write try_acquire(): refill the bucket for the time since the
// last refill (fractions of a token count: at 50 per second, 15 ms is 0.75 of a token), then take
// one token if there is a whole one, and say whether it did.
//
// Time comes from a streamlab::Clock, so the tests use a streamlab::ManualClock: time moves only
// when they advance it, and the bucket can be checked to the nanosecond without a sleep.
//
// Check it:  scripts/exercise 08.2        Stuck?  scripts/exercise --hint 08.2
#pragma once

#include "streamlab/clock.hpp"

#include <algorithm>
#include <chrono>

namespace exercise {

/// At most `rate` items a second, and at most `burst` at once.
class TokenBucket {
 public:
  /// `rate` tokens a second (> 0), a bucket of `burst` tokens (>= 1), full at the start.
  TokenBucket(double rate, double burst, streamlab::Clock& clock)
      : rate_(rate), burst_(burst), clock_(clock), tokens_(burst), last_refill_(clock.now()) {}

  /// Takes a token if there is one now; returns whether it did. Never waits.
  bool try_acquire() {
    const auto now = clock_.now();
    tokens_ = std::min(burst_, tokens_ + rate_ * seconds_between(last_refill_, now));  // never past the burst
    last_refill_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  /// The tokens in the bucket at the last refill.
  double tokens() const { return tokens_; }
  /// Tokens a second.
  double rate() const { return rate_; }
  /// The most tokens the bucket holds.
  double burst() const { return burst_; }
  /// The clock it reads.
  streamlab::Clock& clock() const { return clock_; }

 private:
  /// Seconds from `from` to `to`, as a double (nanoseconds are exact up to 104 days).
  static double seconds_between(streamlab::Clock::time_point from, streamlab::Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
  }

  double rate_;
  double burst_;
  streamlab::Clock& clock_;
  double tokens_;                             // may hold a fraction of a token
  streamlab::Clock::time_point last_refill_;  // when tokens_ was last brought up to date
};

}  // namespace exercise
