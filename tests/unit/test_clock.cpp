#include "streamlab/clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;
using streamlab::Clock;
using streamlab::ManualClock;

namespace {
Clock::time_point at(Clock::duration since_zero) { return Clock::time_point{} + since_zero; }

// A waiter written once against Clock, as the library's classes are: waits for a flag or a deadline.
class Flag {
 public:
  explicit Flag(Clock& clock) : clock_(clock) {}
  bool wait(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    while (!set_ && clock_.now() < deadline) clock_.wait_until(lock, ready_, deadline);
    return set_;
  }
  void set() {
    {
      std::lock_guard lock(mutex_);
      set_ = true;
    }
    ready_.notify_all();
  }

 private:
  Clock& clock_;
  std::mutex mutex_;
  std::condition_variable ready_;
  streamlab::ClockWatch watch_{clock_, mutex_, ready_};
  bool set_ = false;
};
}  // namespace

TEST_CASE("a manual clock starts at zero and moves only when told") {
  ManualClock clock;
  CHECK(clock.now() == at(0ns));
  clock.advance(15ms);
  CHECK(clock.now() == at(15ms));
  clock.advance_to(at(1s));
  CHECK(clock.now() == at(1s));
  clock.advance_to(at(10ms));  // earlier: nothing happens
  CHECK(clock.now() == at(1s));
  clock.advance(0ns);
  CHECK(clock.now() == at(1s));
}

TEST_CASE("a manual clock can start at any time") {
  ManualClock clock{ManualClock::Mode::manual, at(5s)};
  CHECK(clock.now() == at(5s));
}

TEST_CASE("time cannot go back") {
  ManualClock clock;
  CHECK_THROWS_AS(clock.advance(-1ns), std::invalid_argument);
}

TEST_CASE("a timed wait on a manual clock ends exactly when the clock reaches the deadline") {
  ManualClock clock;
  Flag flag{clock};
  bool result = true;
  std::thread waiter([&] { result = flag.wait(at(100ms)); });
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(100ms));
  clock.advance(99ms);
  REQUIRE(clock.wait_for_sleepers(1));  // woke, saw 99 ms, went back to sleep
  CHECK(clock.sleepers() == 1);
  clock.advance(1ms);
  waiter.join();
  CHECK_FALSE(result);
  CHECK(clock.sleepers() == 0);
  CHECK_FALSE(clock.next_deadline().has_value());
}

TEST_CASE("a timed wait on a manual clock still ends on its own event") {
  ManualClock clock;
  Flag flag{clock};
  bool result = false;
  std::thread waiter([&] { result = flag.wait(at(1h)); });
  REQUIRE(clock.wait_for_sleepers(1));
  flag.set();
  waiter.join();
  CHECK(result);
  CHECK(clock.now() == at(0ns));
}

TEST_CASE("sleep_until on a manual clock returns when the clock gets there") {
  ManualClock clock;
  std::thread sleeper([&] { clock.sleep_for(30ms); });
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(30ms));
  clock.advance(30ms);
  sleeper.join();
  CHECK(clock.now() == at(30ms));
}

TEST_CASE("several sleepers each wake at their own deadline") {
  ManualClock clock;
  std::thread a([&] { clock.sleep_until(at(10ms)); });
  std::thread b([&] { clock.sleep_until(at(20ms)); });
  REQUIRE(clock.wait_for_sleepers(2));
  CHECK(clock.next_deadline() == at(10ms));
  clock.advance(10ms);
  a.join();
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(20ms));
  clock.advance(10ms);
  b.join();
  CHECK(clock.sleepers() == 0);
}

TEST_CASE("an auto-advancing clock jumps to the deadline instead of blocking") {
  ManualClock clock{ManualClock::Mode::auto_advance};
  clock.sleep_for(250ms);
  CHECK(clock.now() == at(250ms));
  Flag flag{clock};
  CHECK_FALSE(flag.wait(at(1s)));
  CHECK(clock.now() == at(1s));
  clock.sleep_until(at(10ms));  // already past: returns at once
  CHECK(clock.now() == at(1s));
}

TEST_CASE("wait_for_sleepers gives up after its guard when nobody sleeps") {
  ManualClock clock;
  CHECK_FALSE(clock.wait_for_sleepers(1, 1ms));
}

TEST_CASE("the steady clock never goes back and its waits end at the deadline") {
  Clock& clock = streamlab::SteadyClock::instance();
  const auto first = clock.now();
  const auto second = clock.now();
  CHECK(second >= first);
  Flag flag{clock};
  CHECK_FALSE(flag.wait(clock.now()));  // a deadline already here: no wait at all
  flag.set();
  CHECK(flag.wait(Clock::time_point::max()));
  clock.sleep_until(first);  // in the past: returns at once
  CHECK(&streamlab::SteadyClock::instance() == &clock);
}
