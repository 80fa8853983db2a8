#include "streamlab/parallel_map.hpp"
#include "streamlab/random.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include "sanitized.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using streamlab::Generator;
using streamlab::parallel_map;
using streamlab::parallel_map_unordered;
using streamlab::ParallelOptions;
using streamlab::ThreadPool;

namespace {

// Sanitizers make every lock many times slower: the race test runs fewer rounds under them.
using streamlab::testing::sanitized;

Generator<int> numbers(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

// Raises `maximum` to `value` if it is larger.
void raise_to(std::atomic<int>& maximum, int value) {
  int seen = maximum.load();
  while (value > seen && !maximum.compare_exchange_weak(seen, value)) {
  }
}

// Seeded per-item delays of 0-2 ms: they shuffle the completion order; the assertions never
// depend on how long anything took, only on what came out and in which order.
std::vector<std::chrono::microseconds> seeded_delays(int n, std::uint64_t seed) {
  streamlab::Random rng{seed};
  std::vector<std::chrono::microseconds> delays;
  for (int i = 0; i < n; ++i) delays.emplace_back(rng.uniform_int(0, 2000));
  return delays;
}

std::vector<int> iota_vector(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
  return v;
}

}  // namespace

TEST_CASE("parallel_map yields results in input order under random per-item delays") {
  const auto delays = seeded_delays(200, 7);
  auto slow_square = [&delays](int x) {
    std::this_thread::sleep_for(delays[static_cast<std::size_t>(x)]);
    return x * x;
  };
  std::vector<int> results;
  for (int y : parallel_map(numbers(200), slow_square, {.threads = 4, .max_in_flight = 8})) results.push_back(y);
  REQUIRE(results.size() == 200);
  for (int i = 0; i < 200; ++i) CHECK(results[static_cast<std::size_t>(i)] == i * i);
}

TEST_CASE("parallel_map keeps order when the first item finishes last") {
  // Item 0 cannot finish until items 1, 2 and 3 have: no timing, the order is forced.
  std::latch others_done{3};
  auto f = [&others_done](int x) {
    if (x == 0) {
      others_done.wait();
    } else if (x <= 3) {
      others_done.count_down();
    }
    return std::to_string(x);
  };
  std::vector<std::string> results;
  for (auto& s : parallel_map(numbers(6), f, {.threads = 4, .max_in_flight = 4})) results.push_back(s);
  CHECK(results == std::vector<std::string>{"0", "1", "2", "3", "4", "5"});
}

TEST_CASE("parallel_map never has more than max_in_flight items started and not yet consumed") {
  for (std::size_t bound : {1u, 2u, 3u, 8u}) {
    CAPTURE(bound);
    std::atomic<int> outstanding{0};  // +1 when f starts an item, -1 when the consumer receives it
    std::atomic<int> most{0};
    const auto delays = seeded_delays(100, bound);
    auto f = [&](int x) {
      raise_to(most, outstanding.fetch_add(1) + 1);
      std::this_thread::sleep_for(delays[static_cast<std::size_t>(x)] / 4);
      return x;
    };
    int expected = 0;
    for (int x : parallel_map(numbers(100), f, {.threads = 4, .max_in_flight = bound})) {
      outstanding.fetch_sub(1);
      CHECK(x == expected++);
    }
    CHECK(expected == 100);
    CHECK(most.load() >= 1);
    CHECK(most.load() <= static_cast<int>(bound));
  }
}

TEST_CASE("parallel_map reaches max_in_flight items in flight when the consumer is slow") {
  // The consumer waits, before taking item 0, until 4 items have started: proves the bound is
  // used (the map does not run one item at a time), without timing.
  std::latch four_started{4};
  auto f = [&four_started](int x) {
    if (x < 4) four_started.count_down();
    return x;
  };
  ThreadPool pool{4};
  auto results = parallel_map(numbers(10), f, {.pool = &pool, .max_in_flight = 4});
  auto it = results.begin();
  four_started.wait();
  std::vector<int> seen;
  for (; it != results.end(); ++it) seen.push_back(*it);
  CHECK(seen == iota_vector(10));
}

TEST_CASE("parallel_map rethrows the first exception after the results before it, and stops scheduling") {
  std::atomic<int> active{0};  // f calls running now
  std::atomic<int> highest{-1};
  auto f = [&](int x) {
    active.fetch_add(1);
    raise_to(highest, x);
    std::this_thread::sleep_for(std::chrono::microseconds(x % 3 * 100));
    active.fetch_sub(1);
    if (x == 7) throw std::runtime_error("bad record 7");
    return x;
  };
  std::vector<int> results;
  // An endless input: if the failure did not stop scheduling, the loop would never end.
  auto run = [&] {
    for (int x : parallel_map(std::views::iota(0), f, {.threads = 3, .max_in_flight = 5})) results.push_back(x);
  };
  CHECK_THROWS_WITH(run(), "bad record 7");
  CHECK(results == iota_vector(7));  // every result before the failing item, in order
  CHECK(active.load() == 0);         // no f still running after the exception reached us
  CHECK(highest.load() < 7 + 5);     // nothing started beyond the in-flight window
}

TEST_CASE("parallel_map reports the earliest failing item in input order") {
  // Item 5 fails first in time (item 2 waits for it), but item 2 comes first in the stream.
  std::latch five_failed{1};
  auto f = [&five_failed](int x) -> int {
    if (x == 2) {
      five_failed.wait();
      throw std::runtime_error("item 2");
    }
    if (x == 5) {
      five_failed.count_down();
      throw std::runtime_error("item 5");
    }
    return x;
  };
  std::vector<int> results;
  auto run = [&] {
    for (int x : parallel_map(numbers(20), f, {.threads = 4, .max_in_flight = 8})) results.push_back(x);
  };
  CHECK_THROWS_WITH(run(), "item 2");
  CHECK(results == std::vector<int>{0, 1});
}

TEST_CASE("breaking out of a parallel_map loop stops the work and leaves nothing running") {
  std::atomic<int> calls{0};
  std::atomic<int> active{0};
  auto f = [&](int x) {
    active.fetch_add(1);
    calls.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    active.fetch_sub(1);
    return x;
  };
  SECTION("with the generator's own pool") {
    std::vector<int> seen;
    for (int x : parallel_map(std::views::iota(0), f, {.threads = 3, .max_in_flight = 6})) {
      seen.push_back(x);
      if (x == 4) break;
    }
    CHECK(seen == iota_vector(5));
  }
  SECTION("with a pool that lives on") {
    ThreadPool pool{3};
    {
      auto results = parallel_map(std::views::iota(0), f, {.pool = &pool, .max_in_flight = 6});
      for (int x : results) {
        if (x == 4) break;
      }
    }                                                 // generator destroyed here, the pool still alive
    CHECK(pool.submit([] { return 1; }).get() == 1);  // and still usable
  }
  CHECK(active.load() == 0);     // every f call has returned
  CHECK(calls.load() <= 5 + 6);  // at most the in-flight window past the last consumed item
  const int after = calls.load();
  CHECK(after >= 5);
}

TEST_CASE("a generator that is never started starts no work") {
  std::atomic<int> calls{0};
  {
    auto results = parallel_map(numbers(10), [&calls](int x) { return calls.fetch_add(1) + x; }, {.threads = 2});
  }
  CHECK(calls.load() == 0);
}

TEST_CASE("parallel_map over an empty input yields nothing") {
  int count = 0;
  for ([[maybe_unused]] int x : parallel_map(numbers(0), [](int x) { return x; }, {.threads = 2})) ++count;
  CHECK(count == 0);
}

TEST_CASE("parallel_map copies from a container and moves from a single-pass input") {
  const std::vector<std::string> words{"a", "bb", "ccc"};
  std::vector<std::size_t> lengths;
  for (auto n : parallel_map(std::views::all(words), [](std::string s) { return s.size(); }, {.threads = 2}))
    lengths.push_back(n);
  CHECK(lengths == std::vector<std::size_t>{1, 2, 3});
  CHECK(words == std::vector<std::string>{"a", "bb", "ccc"});  // not stolen

  // Move-only items from a generator travel into the tasks.
  auto boxes = []() -> Generator<std::unique_ptr<int>> {
    for (int i = 0; i < 5; ++i) co_yield std::make_unique<int>(i);
  };
  std::vector<int> values;
  for (int v : parallel_map(boxes(), [](std::unique_ptr<int> p) { return *p * 10; }, {.threads = 2}))
    values.push_back(v);
  CHECK(values == std::vector<int>{0, 10, 20, 30, 40});
}

TEST_CASE("max_in_flight of 1 runs one item at a time") {
  std::atomic<int> active{0};
  std::atomic<int> most{0};
  auto f = [&](int x) {
    raise_to(most, active.fetch_add(1) + 1);
    active.fetch_sub(1);
    return x;
  };
  std::vector<int> results;
  for (int x : parallel_map(numbers(30), f, {.threads = 4, .max_in_flight = 1})) results.push_back(x);
  CHECK(results == iota_vector(30));
  CHECK(most.load() == 1);
}

TEST_CASE("parallel_map composes with views") {
  auto evens = parallel_map(numbers(10), [](int x) { return x * x; }, {.threads = 2}) |
               std::views::filter([](int y) { return y % 2 == 0; });
  std::vector<int> results;
  for (int y : evens) results.push_back(y);
  CHECK(results == std::vector<int>{0, 4, 16, 36, 64});
}

TEST_CASE("parallel_map_unordered yields every result once, in some order") {
  const auto delays = seeded_delays(100, 11);
  auto f = [&delays](int x) {
    std::this_thread::sleep_for(delays[static_cast<std::size_t>(x)] / 2);
    return x;
  };
  std::vector<int> results;
  for (int x : parallel_map_unordered(numbers(100), f, {.threads = 4, .max_in_flight = 8})) results.push_back(x);
  std::sort(results.begin(), results.end());
  CHECK(results == iota_vector(100));
}

TEST_CASE("parallel_map_unordered yields a fast item before a slow earlier one") {
  std::latch one_consumed{1};
  auto f = [&one_consumed](int x) {
    if (x == 0) one_consumed.wait();  // item 0 waits until the consumer has seen item 1
    return x;
  };
  std::vector<int> results;
  for (int x : parallel_map_unordered(numbers(2), f, {.threads = 2, .max_in_flight = 2})) {
    results.push_back(x);
    if (x == 1) one_consumed.count_down();
  }
  CHECK(results == std::vector<int>{1, 0});
}

TEST_CASE("parallel_map_unordered respects max_in_flight") {
  std::atomic<int> outstanding{0};
  std::atomic<int> most{0};
  auto f = [&](int x) {
    raise_to(most, outstanding.fetch_add(1) + 1);
    return x;
  };
  int count = 0;
  for ([[maybe_unused]] int x : parallel_map_unordered(numbers(200), f, {.threads = 4, .max_in_flight = 3})) {
    outstanding.fetch_sub(1);
    ++count;
  }
  CHECK(count == 200);
  CHECK(most.load() <= 3);
}

TEST_CASE("parallel_map_unordered rethrows the exception and stops scheduling") {
  std::atomic<int> active{0};
  auto f = [&](int x) {
    active.fetch_add(1);
    active.fetch_sub(1);
    if (x == 3) throw std::invalid_argument("item 3");
    return x;
  };
  auto run = [&] {
    for ([[maybe_unused]] int x : parallel_map_unordered(std::views::iota(0), f, {.threads = 2, .max_in_flight = 4})) {
    }
  };
  CHECK_THROWS_AS(run(), std::invalid_argument);
  CHECK(active.load() == 0);
}

TEST_CASE("breaking out of parallel_map_unordered leaves nothing running") {
  std::atomic<int> active{0};
  auto f = [&](int x) {
    active.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    active.fetch_sub(1);
    return x;
  };
  int seen = 0;
  for ([[maybe_unused]] int x : parallel_map_unordered(std::views::iota(0), f, {.threads = 2, .max_in_flight = 4})) {
    if (++seen == 10) break;
  }
  CHECK(seen == 10);
  CHECK(active.load() == 0);
}

TEST_CASE("with consumer_helps, order, bound, errors and early break hold as before") {
  const auto delays = seeded_delays(120, 3);
  std::atomic<int> outstanding{0};
  std::atomic<int> most{0};
  std::atomic<int> active{0};
  auto f = [&](int x) {
    active.fetch_add(1);
    raise_to(most, outstanding.fetch_add(1) + 1);
    std::this_thread::sleep_for(delays[static_cast<std::size_t>(x % 120)] / 4);
    active.fetch_sub(1);
    if (x == 150) throw std::runtime_error("item 150");
    return x;
  };
  const ParallelOptions options{.threads = 2, .max_in_flight = 5, .consumer_helps = true};
  SECTION("ordered, to the end") {
    int expected = 0;
    for (int x : parallel_map(numbers(120), f, options)) {
      outstanding.fetch_sub(1);
      CHECK(x == expected++);
    }
    CHECK(expected == 120);
  }
  SECTION("unordered, to the end") {
    std::vector<int> seen;
    for (int x : parallel_map_unordered(numbers(120), f, options)) {
      outstanding.fetch_sub(1);
      seen.push_back(x);
    }
    std::sort(seen.begin(), seen.end());
    CHECK(seen == iota_vector(120));
  }
  SECTION("the first exception") {
    std::vector<int> seen;
    auto run = [&] {
      for (int x : parallel_map(std::views::iota(0), f, options)) {
        outstanding.fetch_sub(1);
        seen.push_back(x);
      }
    };
    CHECK_THROWS_WITH(run(), "item 150");
    CHECK(seen == iota_vector(150));
  }
  SECTION("early break") {
    for (int x : parallel_map(std::views::iota(0), f, options)) {
      outstanding.fetch_sub(1);
      if (x == 30) break;
    }
  }
  CHECK(most.load() <= 5);
  CHECK(active.load() == 0);
}

TEST_CASE("items dropped from a shared pool by cancel_pending end the map with an error, not a hang") {
  ThreadPool pool{1};
  std::latch started{1};
  std::latch release{1};
  auto f = [&](int x) {
    if (x == 0) {
      started.count_down();
      release.wait();  // holds the only worker while items 1..3 wait in the queue
    }
    return x;
  };
  auto results = parallel_map(numbers(10), f, {.pool = &pool, .max_in_flight = 4});
  std::vector<int> seen;
  auto run = [&] {
    auto it = results.begin();  // starts items 0..3; blocks until item 0 is done
    for (; it != results.end(); ++it) seen.push_back(*it);
  };
  std::thread canceller([&] {
    started.wait();
    // Items 1..3 reach the queue while item 0 holds the only worker, but the map may still be
    // queuing them when item 0 starts: drop them as they come, until all three are gone. (Item 4
    // cannot come before item 0's result is taken; the time limit only turns a bug into a failure.)
    std::size_t dropped = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (dropped < 3 && std::chrono::steady_clock::now() < give_up) {
      dropped += pool.cancel_pending();
      std::this_thread::yield();
    }
    CHECK(dropped == 3);
    release.count_down();
  });
  CHECK_THROWS_WITH(run(), "parallel_map: a queued item was dropped from the pool");
  canceller.join();
  CHECK(seen == std::vector<int>{0});  // item 0 ran; items 1..3 were dropped, so the error comes next
}

namespace {

// One round of the race of issue 18: a 64-item map on a shared pool, and cancel_pending from another
// thread when the consumer reaches item `cancel_at`. A worker may have taken an item off the queue
// just before the cancel and look at the map's state just after it. Whatever the timing, the map
// yields the items in order and without a gap, and it ends early only by throwing. Returns what
// went wrong (empty: nothing); `dropped_some` says whether the cancel caught queued items.
std::string cancel_race_round(ThreadPool& pool, std::size_t in_flight, int cancel_at, bool& dropped_some) {
  std::atomic<bool> cancel{false};
  std::size_t dropped = 0;
  std::thread canceller([&] {
    while (!cancel.load()) std::this_thread::yield();
    dropped = pool.cancel_pending();
  });
  std::vector<int> seen;
  std::string error;
  try {
    auto identity = [](int x) { return x; };
    for (int x : parallel_map(std::views::iota(0, 64), identity, {.pool = &pool, .max_in_flight = in_flight})) {
      if (x == cancel_at) cancel.store(true);
      seen.push_back(x);
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  cancel.store(true);  // the map may have ended (by an error) before reaching cancel_at
  canceller.join();
  dropped_some = dropped > 0;
  const std::string outcome = fmt::format("{} items, {} dropped, error '{}'", seen.size(), dropped, error);
  if (seen != iota_vector(static_cast<int>(seen.size()))) return "a gap in the items: " + outcome;
  if (error.empty() && seen.size() != 64) return "ended early without an error: " + outcome;
  if (dropped > 0 && error != "parallel_map: a queued item was dropped from the pool")
    return "items dropped but no error: " + outcome;
  if (dropped == 0 && !error.empty()) return "an error with nothing dropped: " + outcome;
  return {};
}

struct RaceTally {
  long rounds = 0;
  long cancelled = 0;  // rounds where the cancel caught queued items
  long wrong = 0;
  std::string first;  // the first round that went wrong
};

// Rounds of the race until `more(rounds so far)` says stop, alternating two shapes: 4 workers with
// 16 items in flight (where the old header's early end showed, about 1 round in 400 here) and 32
// workers with 32 (more threads than cores: a worker is often preempted between taking an item
// and looking at the state, where the gap of the header before the fix showed, 1 in 1,000-10,000).
template <typename More>
RaceTally run_cancel_race(More more) {
  ThreadPool few{4};
  ThreadPool many{32};
  RaceTally tally;
  while (more(tally.rounds)) {
    const bool small = tally.rounds % 2 == 0;
    bool dropped_some = false;
    const std::string what =
        cancel_race_round(small ? few : many, small ? 16 : 32, static_cast<int>((tally.rounds / 2) % 60), dropped_some);
    ++tally.rounds;
    tally.cancelled += dropped_some ? 1 : 0;
    if (!what.empty() && tally.wrong++ == 0) tally.first = fmt::format("round {}: {}", tally.rounds - 1, what);
  }
  return tally;
}

}  // namespace

TEST_CASE("a concurrent cancel_pending never makes parallel_map end early or skip an item silently", "[faults]") {
  // Issue 18: a task taken off the queue just before the cancel saw the "stop" the cancel set and
  // finished with neither value nor error; the consumer stopped early (b176123) or skipped that
  // item (later). 6,000 rounds, a couple of seconds; the 30 s run below finds more.
  const long rounds = sanitized ? 1000 : 6000;
  const RaceTally tally = run_cancel_race([&](long done) { return done < rounds; });
  INFO(tally.first);
  CHECK(tally.wrong == 0);
  CHECK(tally.cancelled > 0);  // the cancel did catch queued items, in some rounds at least
}

// The 30 s run the issue asks for, by hand (hidden from the test suite):
//   test_parallel_map "[stress]"   (STREAMLAB_STRESS_SECONDS=N to change the length)
TEST_CASE("stress: the cancel race for 30 seconds", "[.stress]") {
  const char* seconds_text = std::getenv("STREAMLAB_STRESS_SECONDS");
  const auto seconds = std::chrono::seconds(seconds_text != nullptr ? std::atoi(seconds_text) : 30);
  const auto end = std::chrono::steady_clock::now() + seconds;
  const RaceTally tally = run_cancel_race([&](long) { return std::chrono::steady_clock::now() < end; });
  fmt::print("cancel race: {} rounds in {} s ({} with queued items dropped), {} went wrong{}{}\n", tally.rounds,
             seconds.count(), tally.cancelled, tally.wrong, tally.first.empty() ? "" : "; first: ", tally.first);
  CHECK(tally.wrong == 0);
}
