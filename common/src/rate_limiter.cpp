#include "streamlab/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace streamlab {

namespace {
Clock::duration interval_for(double rate) {
  if (!std::isfinite(rate) || rate <= 0.0 || rate > 1e9) {
    throw std::invalid_argument("RateLimiter: rate must be a number above 0 and at most 1e9 per second");
  }
  return Clock::duration{static_cast<Clock::duration::rep>(std::llround(1e9 / rate))};
}

std::int64_t checked_burst(std::int64_t burst, Clock::duration interval) {
  if (burst < 1) throw std::invalid_argument("RateLimiter: burst must be at least 1");
  // burst * interval must fit comfortably in 64-bit nanoseconds (about 292 years).
  if (burst > std::numeric_limits<std::int64_t>::max() / 4 / interval.count()) {
    throw std::invalid_argument("RateLimiter: burst too large for this rate");
  }
  return burst;
}
}  // namespace

RateLimiter::RateLimiter(double rate, std::int64_t burst, Clock& clock)
    : interval_(interval_for(rate)),
      burst_(checked_burst(burst, interval_)),
      clock_(clock),
      zero_at_(clock.now() - interval_ * burst_) {}

void RateLimiter::check_tokens(std::int64_t tokens) const {
  if (tokens < 1 || tokens > burst_) {
    throw std::invalid_argument("RateLimiter: tokens must be from 1 to the burst size");
  }
}

RateLimiter::time_point RateLimiter::ready_at_locked(std::int64_t tokens) const noexcept {
  // The bucket never holds more than `burst` tokens: time spent full earns nothing.
  const time_point zero_at = std::max(zero_at_, clock_.now() - interval_ * burst_);
  return zero_at + interval_ * tokens;
}

void RateLimiter::take_locked(std::int64_t tokens) noexcept {
  zero_at_ = std::max(zero_at_, clock_.now() - interval_ * burst_) + interval_ * tokens;
  acquired_ += tokens;
}

void RateLimiter::acquire(std::int64_t tokens) {
  check_tokens(tokens);
  std::unique_lock lock(mutex_);
  for (;;) {
    const time_point ready = ready_at_locked(tokens);
    if (clock_.now() >= ready) break;
    clock_.wait_until(lock, refilled_, ready);
  }
  take_locked(tokens);
}

bool RateLimiter::try_acquire(std::int64_t tokens) {
  check_tokens(tokens);
  std::lock_guard lock(mutex_);
  if (clock_.now() < ready_at_locked(tokens)) return false;
  take_locked(tokens);
  return true;
}

bool RateLimiter::try_acquire_until(time_point deadline, std::int64_t tokens) {
  check_tokens(tokens);
  std::unique_lock lock(mutex_);
  for (;;) {
    const time_point ready = ready_at_locked(tokens);
    const time_point now = clock_.now();
    if (now >= ready) break;
    if (ready > deadline) return false;  // the tokens cannot be there in time: do not wait for nothing
    clock_.wait_until(lock, refilled_, ready);
  }
  take_locked(tokens);
  return true;
}

std::int64_t RateLimiter::available() const {
  std::lock_guard lock(mutex_);
  const time_point now = clock_.now();
  const time_point zero_at = std::max(zero_at_, now - interval_ * burst_);
  if (now <= zero_at) return 0;
  return std::min<std::int64_t>(burst_, (now - zero_at) / interval_);
}

RateLimiter::time_point RateLimiter::ready_at(std::int64_t tokens) const {
  check_tokens(tokens);
  std::lock_guard lock(mutex_);
  return std::max(ready_at_locked(tokens), clock_.now());
}

std::int64_t RateLimiter::acquired() const {
  std::lock_guard lock(mutex_);
  return acquired_;
}

}  // namespace streamlab
