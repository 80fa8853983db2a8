#include "streamlab/rate_limiter.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using streamlab::Clock;
using streamlab::ManualClock;
using streamlab::RateLimiter;

namespace {
Clock::time_point at(Clock::duration since_zero) { return Clock::time_point{} + since_zero; }
}  // namespace

TEST_CASE("100 per second is one token every 10 ms, exactly") {
  ManualClock clock;
  RateLimiter limiter{100.0, 1, clock};
  CHECK(limiter.interval() == 10ms);
  CHECK(limiter.try_acquire());  // the bucket starts full
  CHECK_FALSE(limiter.try_acquire());
  clock.advance(10ms - 1ns);
  CHECK_FALSE(limiter.try_acquire());
  CHECK(limiter.ready_at() == at(10ms));
  clock.advance(1ns);
  CHECK(limiter.try_acquire());
  CHECK(limiter.acquired() == 2);
}

TEST_CASE("at 100 per second exactly 100 items pass in one second") {
  ManualClock clock;
  RateLimiter limiter{100.0, 1, clock};
  int admitted = 0;
  for (int ms = 0; ms < 1000; ++ms) {  // try every millisecond of [0 s, 1 s)
    clock.advance_to(at(std::chrono::milliseconds(ms)));
    while (limiter.try_acquire()) ++admitted;
  }
  CHECK(admitted == 100);
}

TEST_CASE("a burst passes at once, then the rate holds") {
  ManualClock clock;
  RateLimiter limiter{100.0, 10, clock};
  CHECK(limiter.available() == 10);
  int admitted = 0;
  while (limiter.try_acquire()) ++admitted;
  CHECK(admitted == 10);
  CHECK(limiter.available() == 0);
  clock.advance(35ms);
  CHECK(limiter.available() == 3);
  CHECK(limiter.try_acquire(3));
  CHECK_FALSE(limiter.try_acquire());
  CHECK(limiter.ready_at(2) == at(50ms));  // 5 ms left of the 4th token's 10, then one more
}

TEST_CASE("an idle bucket fills only up to its burst") {
  ManualClock clock;
  RateLimiter limiter{100.0, 5, clock};
  while (limiter.try_acquire()) {
  }
  clock.advance(1h);
  CHECK(limiter.available() == 5);
  int admitted = 0;
  while (limiter.try_acquire()) ++admitted;
  CHECK(admitted == 5);
}

TEST_CASE("acquire waits on the manual clock until the token is due") {
  ManualClock clock;
  RateLimiter limiter{100.0, 1, clock};
  limiter.acquire();  // the full bucket: no wait
  std::atomic<bool> done{false};
  std::thread worker([&] {
    limiter.acquire();
    done = true;
  });
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(10ms));
  clock.advance(5ms);
  REQUIRE(clock.wait_for_sleepers(1));  // woke, found no token at 5 ms, slept again
  CHECK_FALSE(done);
  CHECK(clock.next_deadline() == at(10ms));
  clock.advance(5ms);
  worker.join();
  CHECK(done);
  CHECK(limiter.acquired() == 2);
}

TEST_CASE("three waiting threads get one token per interval") {
  ManualClock clock;
  RateLimiter limiter{100.0, 1, clock};
  limiter.acquire();
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) workers.emplace_back([&] { limiter.acquire(); });
  for (int step = 1; step <= 3; ++step) {
    REQUIRE(clock.wait_for_sleepers(static_cast<std::size_t>(4 - step)));
    CHECK(limiter.acquired() == step);
    clock.advance(10ms);
  }
  for (auto& worker : workers) worker.join();
  CHECK(limiter.acquired() == 4);
}

TEST_CASE("on an auto-advancing clock acquire paces a loop in virtual time") {
  ManualClock clock{ManualClock::Mode::auto_advance};
  RateLimiter limiter{100.0, 1, clock};
  for (int i = 0; i < 250; ++i) limiter.acquire();
  CHECK(clock.now() == at(2490ms));  // the first at 0 s, then one every 10 ms
}

TEST_CASE("try_acquire_until gives up at once when the token cannot come in time") {
  ManualClock clock;
  RateLimiter limiter{10.0, 1, clock};
  limiter.acquire();
  CHECK_FALSE(limiter.try_acquire_until(at(99ms)));  // due at 100 ms: no point waiting
  CHECK(clock.sleepers() == 0);
  bool got = false;
  std::thread worker([&] { got = limiter.try_acquire_until(at(100ms)); });
  REQUIRE(clock.wait_for_sleepers(1));
  clock.advance(100ms);
  worker.join();
  CHECK(got);
}

TEST_CASE("rates that do not divide a second are rounded to the nanosecond") {
  ManualClock clock;
  RateLimiter limiter{3.0, 1, clock};
  CHECK(limiter.interval() == 333'333'333ns);
}

TEST_CASE("bad settings and requests are rejected") {
  ManualClock clock;
  CHECK_THROWS_AS(RateLimiter(0.0, 1, clock), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(-5.0, 1, clock), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(std::nan(""), 1, clock), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(std::numeric_limits<double>::infinity(), 1, clock), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(2e9, 1, clock), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(100.0, 0, clock), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(0.001, std::numeric_limits<std::int64_t>::max(), clock), std::invalid_argument);
  RateLimiter limiter{100.0, 2, clock};
  CHECK_THROWS_AS(limiter.acquire(3), std::invalid_argument);  // more than the bucket holds: never
  CHECK_THROWS_AS(limiter.try_acquire(0), std::invalid_argument);
  CHECK(limiter.acquired() == 0);
}

TEST_CASE("on the steady clock a full bucket does not wait") {
  RateLimiter limiter{1.0, 3};
  CHECK(limiter.try_acquire());
  limiter.acquire(2);
  CHECK_FALSE(limiter.try_acquire());  // the next token is a second away
  CHECK(&limiter.clock() == &streamlab::SteadyClock::instance());
}
