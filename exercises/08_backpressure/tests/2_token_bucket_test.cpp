// Tests of exercise 08.2, a token bucket (exercises/08_backpressure/2_token_bucket.hpp).
// Run them with: scripts/exercise 08.2
#include "2_token_bucket.hpp"

#include "streamlab/clock.hpp"
#include "streamlab/random.hpp"
#include "streamlab/rate_limiter.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using exercise::TokenBucket;
using namespace std::chrono_literals;

TEST_CASE("token bucket: it starts full: with a burst of 10, 10 items pass at once and an 11th does not") {
  streamlab::ManualClock clock;
  TokenBucket bucket{100.0, 10.0, clock};
  int passed = 0;
  for (int i = 0; i < 11; ++i) passed += bucket.try_acquire() ? 1 : 0;
  CHECK(passed == 10);
}

TEST_CASE("token bucket: at 100 per second, one item in every 10 ms passes, and a second in the same 10 ms does not") {
  streamlab::ManualClock clock;
  TokenBucket bucket{100.0, 1.0, clock};
  int first_passed = 0;
  int second_passed = 0;
  for (int tick = 0; tick < 100; ++tick) {  // t = 0, 10, ..., 990 ms: the first second
    first_passed += bucket.try_acquire() ? 1 : 0;
    second_passed += bucket.try_acquire() ? 1 : 0;
    clock.advance(10ms);
  }
  CHECK(first_passed == 100);
  CHECK(second_passed == 0);
}

TEST_CASE("token bucket: after a quiet minute, no more than the burst passes at once") {
  streamlab::ManualClock clock;
  TokenBucket bucket{100.0, 10.0, clock};
  while (bucket.try_acquire()) {
  }
  clock.advance(60s);
  int passed = 0;
  for (int i = 0; i < 1000; ++i) passed += bucket.try_acquire() ? 1 : 0;
  CHECK(passed == 10);
}

TEST_CASE("token bucket: fractions of a token add up: asked every 15 ms at 50 per second, 3 asks in 4 pass") {
  streamlab::ManualClock clock;
  TokenBucket bucket{50.0, 2.0, clock};
  int passed = 0;
  for (int ask = 0; ask <= 400; ++ask) {  // t = 0 to 6 s: 2 tokens at first, then 0.75 of a token each time
    passed += bucket.try_acquire() ? 1 : 0;
    clock.advance(15ms);
  }
  CHECK(passed >= 301);  // 2 + 400 × 0.75 = 302 tokens in all
  CHECK(passed <= 302);
}

TEST_CASE("token bucket: lets the same items through as streamlab::RateLimiter{100, burst 10} on the same clock") {
  streamlab::ManualClock clock;
  TokenBucket bucket{100.0, 10.0, clock};
  streamlab::RateLimiter limiter{100.0, 10, clock};
  streamlab::Random rng{3};
  int asks = 0;
  int disagreements = 0;
  for (int tick = 0; tick < 500; ++tick) {
    const auto tries = rng.uniform_int(0, 3);  // 0 to 3 items every 10 ms: sometimes more than the rate
    for (std::int64_t i = 0; i < tries; ++i) {
      ++asks;
      const bool limiter_lets_it_pass = limiter.try_acquire();
      if (bucket.try_acquire() != limiter_lets_it_pass) ++disagreements;
    }
    const bool quiet_spell = rng.uniform_int(0, 9) == 0;  // now and then a quiet spell of 50 to 300 ms
    const std::int64_t ticks = quiet_spell ? rng.uniform_int(5, 30) : 1;
    clock.advance(ticks * 10ms);
  }
  CHECK(asks > 500);
  CHECK(disagreements == 0);
}
