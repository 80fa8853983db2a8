#include "streamlab/bounded_queue.hpp"

#include <catch2/catch.hpp>

#include "sanitized.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using streamlab::BoundedQueue;
using streamlab::Clock;
using streamlab::ManualClock;
using streamlab::OverflowPolicy;
using streamlab::PushResult;

namespace {

// Sanitizers make every lock many times slower: the stress tests move fewer items under them.
using streamlab::testing::sanitized;

Clock::time_point at(Clock::duration since_zero) { return Clock::time_point{} + since_zero; }

// Waits (yielding, for a test only) until `count` threads are blocked in the queue.
template <typename T>
void await_waiting_consumers(const BoundedQueue<T>& queue, std::size_t count) {
  while (queue.stats().waiting_consumers < count) std::this_thread::yield();
}
template <typename T>
void await_waiting_producers(const BoundedQueue<T>& queue, std::size_t count) {
  while (queue.stats().waiting_producers < count) std::this_thread::yield();
}

std::vector<int> drain(BoundedQueue<int>& queue) {
  std::vector<int> items;
  while (auto item = queue.try_pop()) items.push_back(*item);
  return items;
}

std::vector<int> range(int first, int last) {
  std::vector<int> values(static_cast<std::size_t>(last - first));
  std::iota(values.begin(), values.end(), first);
  return values;
}

}  // namespace

TEST_CASE("items come out first in, first out") {
  BoundedQueue<int> queue{8};
  for (int i = 0; i < 5; ++i) CHECK(queue.push(i) == PushResult::pushed);
  CHECK(queue.size() == 5);
  CHECK(drain(queue) == range(0, 5));
  const auto stats = queue.stats();
  CHECK(stats.pushed == 5);
  CHECK(stats.popped == 5);
  CHECK(stats.dropped == 0);
  CHECK(stats.high_water == 5);
  CHECK(stats.size == 0);
  CHECK(stats.capacity == 8);
}

TEST_CASE("the ring wraps around and grows without reordering") {
  BoundedQueue<int> queue{1000};
  int next_in = 0;
  int next_out = 0;
  bool in_order = true;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 37; ++i) queue.push(next_in++);
    for (int i = 0; i < 20; ++i) in_order = in_order && *queue.pop() == next_out++;
  }
  while (auto item = queue.try_pop()) in_order = in_order && *item == next_out++;
  CHECK(in_order);
  CHECK(next_out == next_in);
  CHECK(queue.stats().high_water == 37 * 50 - 20 * 49);
}

TEST_CASE("items that own memory survive the ring's growth and wrap-around") {
  BoundedQueue<std::string> queue{1000};
  int next_in = 0;
  int next_out = 0;
  bool in_order = true;
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 23; ++i) queue.push(std::string(40, 'x') + std::to_string(next_in++));
    for (int i = 0; i < 11; ++i)
      in_order = in_order && *queue.pop() == std::string(40, 'x') + std::to_string(next_out++);
  }
  CHECK(in_order);
  CHECK(queue.size() == static_cast<std::size_t>(next_in - next_out));
  // The rest is destroyed with the queue (ASan checks nothing leaks or is freed twice).
}

TEST_CASE("a capacity of zero is a mistake") { CHECK_THROWS_AS(BoundedQueue<int>(0), std::invalid_argument); }

TEST_CASE("drop_oldest keeps the newest items, like deque(maxlen=1000)") {
  BoundedQueue<int> queue{1000, OverflowPolicy::drop_oldest};
  int pushed = 0;
  int dropped_oldest = 0;
  for (int i = 0; i < 1500; ++i) {
    const PushResult result = queue.push(i);
    if (result == PushResult::pushed) ++pushed;
    if (result == PushResult::dropped_oldest) ++dropped_oldest;
  }
  CHECK(pushed == 1000);
  CHECK(dropped_oldest == 500);
  const auto stats = queue.stats();
  CHECK(stats.dropped == 500);
  CHECK(stats.pushed == 1500);
  CHECK(stats.high_water == 1000);
  CHECK(drain(queue) == range(500, 1500));
}

TEST_CASE("drop_newest keeps the oldest items and discards the new ones") {
  BoundedQueue<int> queue{1000, OverflowPolicy::drop_newest};
  int dropped_newest = 0;
  for (int i = 0; i < 1500; ++i) dropped_newest += queue.push(i) == PushResult::dropped_newest ? 1 : 0;
  CHECK(dropped_newest == 500);
  CHECK(queue.stats().dropped == 500);
  CHECK(queue.stats().high_water == 1000);
  CHECK(drain(queue) == range(0, 1000));
  CHECK(queue.stats().pushed == queue.stats().popped + queue.stats().dropped);
}

TEST_CASE("a drop policy never waits, even in push") {
  BoundedQueue<int> oldest{1, OverflowPolicy::drop_oldest};
  BoundedQueue<int> newest{1, OverflowPolicy::drop_newest};
  oldest.push(1);
  newest.push(1);
  CHECK(oldest.push(2) == PushResult::dropped_oldest);
  CHECK(newest.push(2) == PushResult::dropped_newest);
  CHECK(oldest.push_for(3, 1h) == PushResult::dropped_oldest);
  CHECK(*oldest.pop() == 3);
  CHECK(*newest.pop() == 1);
}

TEST_CASE("try_push on a full blocking queue says full and leaves the item alone") {
  BoundedQueue<std::string> queue{1};
  CHECK(queue.try_push(std::string("first")) == PushResult::pushed);
  std::string second = "second";
  CHECK(queue.try_push(std::move(second)) == PushResult::full);
  CHECK(second == "second");  // not moved from: the caller can try again
  CHECK(queue.stats().pushed == 1);
  CHECK(queue.stats().dropped == 0);
}

TEST_CASE("try_pop on an empty queue gives nothing at once") {
  BoundedQueue<int> queue{4};
  CHECK_FALSE(queue.try_pop().has_value());
  std::vector<int> out;
  CHECK(queue.try_pop_many(out, 10) == 0);
  CHECK(out.empty());
  CHECK_FALSE(queue.done());
}

TEST_CASE("move-only items go through") {
  BoundedQueue<std::unique_ptr<int>> queue{2};
  queue.push(std::make_unique<int>(7));
  std::vector<std::unique_ptr<int>> batch;
  batch.push_back(std::make_unique<int>(8));
  batch.push_back(std::make_unique<int>(9));
  CHECK(queue.try_push_many(batch) == 1);  // room for one
  CHECK(batch[0] == nullptr);
  CHECK(batch[1] != nullptr);
  CHECK(**queue.pop() == 7);
  CHECK(**queue.pop() == 8);
}

TEST_CASE("push_many and pop_many move batches") {
  BoundedQueue<int> queue{100};
  std::vector<int> in = range(0, 64);
  CHECK(queue.push_many(in) == 64);
  std::vector<int> out;
  CHECK(queue.pop_many(out, 50) == 50);
  CHECK(queue.pop_many(out, 50) == 14);
  CHECK(out == range(0, 64));
  CHECK(queue.pop_many(out, 0) == 0);
  CHECK(queue.stats().high_water == 64);
}

TEST_CASE("push_many under a drop policy") {
  SECTION("drop_oldest keeps the newest capacity items of a big batch") {
    BoundedQueue<int> queue{10, OverflowPolicy::drop_oldest};
    std::vector<int> first = range(0, 5);
    queue.push_many(first);
    std::vector<int> batch = range(5, 30);
    CHECK(queue.push_many(batch) == 25);
    CHECK(queue.stats().dropped == 20);
    CHECK(queue.stats().high_water == 10);
    CHECK(drain(queue) == range(20, 30));
  }
  SECTION("drop_newest takes what fits and drops the rest") {
    BoundedQueue<int> queue{10, OverflowPolicy::drop_newest};
    std::vector<int> first = range(0, 5);
    queue.push_many(first);
    std::vector<int> batch = range(5, 30);
    CHECK(queue.push_many(batch) == 25);
    CHECK(queue.stats().dropped == 20);
    CHECK(queue.stats().pushed == 30);
    CHECK(drain(queue) == range(0, 10));
  }
  SECTION("block with try_push_many takes only what fits now") {
    BoundedQueue<int> queue{10};
    std::vector<int> batch = range(0, 25);
    CHECK(queue.try_push_many(batch) == 10);
    CHECK(queue.stats().dropped == 0);
    CHECK(drain(queue) == range(0, 10));
  }
}

TEST_CASE("close ends the stream: pushes fail, pops drain then stop") {
  BoundedQueue<int> queue{4};
  queue.push(1);
  queue.push(2);
  queue.close();
  queue.close();  // twice is harmless
  CHECK(queue.closed());
  CHECK_FALSE(queue.done());  // two items still to drain
  CHECK(queue.push(3) == PushResult::closed);
  CHECK(queue.try_push(3) == PushResult::closed);
  std::vector<int> batch{3, 4};
  CHECK(queue.push_many(batch) == 0);
  CHECK(*queue.pop() == 1);
  CHECK(*queue.pop_for(1h) == 2);
  CHECK(queue.done());
  CHECK_FALSE(queue.pop().has_value());  // would block forever if close did not end it
  std::vector<int> out;
  CHECK(queue.pop_many(out, 8) == 0);
  CHECK(queue.stats().pushed == 2);
}

TEST_CASE("close wakes every blocked consumer at once") {
  BoundedQueue<int> queue{4};
  constexpr int consumers = 4;
  std::atomic<int> ended{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < consumers; ++i) {
    threads.emplace_back([&, i] {
      std::vector<int> out;
      const bool end = (i % 2 == 0) ? !queue.pop().has_value() : queue.pop_many(out, 8) == 0;
      if (end) ++ended;
    });
  }
  await_waiting_consumers(queue, consumers);
  queue.close();
  for (auto& thread : threads) thread.join();
  CHECK(ended == consumers);
  CHECK(queue.stats().waiting_consumers == 0);
}

TEST_CASE("close wakes every blocked producer at once") {
  BoundedQueue<int> queue{2};
  queue.push(0);
  queue.push(0);
  constexpr int producers = 4;
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < producers; ++i) {
    threads.emplace_back([&, i] {
      std::vector<int> batch{1, 2, 3};
      const bool closed = (i % 2 == 0) ? queue.push(1) == PushResult::closed : queue.push_many(batch) == 0;
      if (closed) ++refused;
    });
  }
  await_waiting_producers(queue, producers);
  queue.close();
  for (auto& thread : threads) thread.join();
  CHECK(refused == producers);
  CHECK(queue.stats().pushed == 2);  // nothing slipped in
  CHECK(drain(queue) == std::vector<int>{0, 0});
}

TEST_CASE("a blocked producer goes on as soon as a consumer makes room") {
  BoundedQueue<int> queue{1};
  queue.push(1);
  PushResult result = PushResult::full;
  std::thread producer([&] { result = queue.push(2); });
  await_waiting_producers(queue, 1);
  CHECK(*queue.pop() == 1);
  producer.join();
  CHECK(result == PushResult::pushed);
  CHECK(*queue.pop() == 2);
  CHECK(queue.stats().high_water == 1);
}

TEST_CASE("a batch bigger than the capacity goes through in parts, in order") {
  BoundedQueue<int> queue{8};
  std::vector<int> batch = range(0, 1000);
  std::size_t pushed = 0;
  std::thread producer([&] {
    pushed = queue.push_many(batch);
    queue.close();
  });
  std::vector<int> out;
  while (queue.pop_many(out, 3) > 0) {
  }
  producer.join();
  CHECK(pushed == 1000);
  CHECK(out == range(0, 1000));
  CHECK(queue.stats().high_water <= 8);
}

TEST_CASE("timed pops on a manual clock end exactly at the deadline") {
  ManualClock clock;
  BoundedQueue<int> queue{4, OverflowPolicy::block, clock};
  std::optional<int> result = 42;
  std::thread consumer([&] { result = queue.pop_for(100ms); });
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(100ms));
  clock.advance(99ms);
  REQUIRE(clock.wait_for_sleepers(1));  // looked at 99 ms and went back to sleep
  clock.advance(1ms);
  consumer.join();
  CHECK_FALSE(result.has_value());
  CHECK_FALSE(queue.done());  // a timeout, not the end
}

TEST_CASE("a timed pop returns an item that arrives before the deadline") {
  ManualClock clock;
  BoundedQueue<int> queue{4, OverflowPolicy::block, clock};
  std::optional<int> result;
  std::vector<int> many;
  std::thread consumer([&] {
    result = queue.pop_until(at(1s));
    queue.pop_many_for(many, 10, 1s);
  });
  REQUIRE(clock.wait_for_sleepers(1));
  queue.push(5);
  REQUIRE(clock.wait_for_sleepers(1));  // now in pop_many_for
  CHECK(clock.next_deadline() == at(1s));
  std::vector<int> batch{6, 7};
  queue.push_many(batch);
  consumer.join();
  CHECK(result == 5);
  CHECK(many == std::vector<int>{6, 7});
  CHECK(clock.now() == at(0ns));
}

TEST_CASE("timed pushes on a manual clock give up exactly at the deadline") {
  ManualClock clock;
  BoundedQueue<int> queue{1, OverflowPolicy::block, clock};
  queue.push(1);
  PushResult single = PushResult::pushed;
  std::size_t batch_pushed = 99;
  std::thread producer([&] {
    single = queue.push_for(2, 10ms);
    std::vector<int> batch{3, 4};
    batch_pushed = queue.push_many_until(batch, at(30ms));
  });
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(10ms));
  clock.advance(10ms);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(30ms));
  clock.advance(20ms);
  producer.join();
  CHECK(single == PushResult::full);
  CHECK(batch_pushed == 0);
  CHECK(queue.stats().pushed == 1);
}

TEST_CASE("a deadline already past means no wait at all") {
  ManualClock clock{ManualClock::Mode::manual, at(1s)};
  BoundedQueue<int> queue{1, OverflowPolicy::block, clock};
  CHECK_FALSE(queue.pop_until(at(0ns)).has_value());
  queue.push(1);
  CHECK(queue.push_until(2, at(0ns)) == PushResult::full);
  CHECK(queue.pop_until(at(0ns)) == 1);  // an item that is there is taken even past the deadline
}

namespace {

struct StressResult {
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t sum_of_squares = 0;
  bool each_producer_in_order = true;
  bool each_item_once = true;
};

// `producers` threads each push `per_producer` distinct numbers (producer p pushes p*per_producer
// + i, in order); `consumers` threads pop them. Counts, checksums and a seen-table verify that
// every number arrived exactly once and that each producer's numbers arrived in order.
StressResult stress(int producers, int consumers, std::uint64_t per_producer, std::size_t batch,
                    BoundedQueue<std::uint64_t>& queue) {
  const std::uint64_t total = per_producer * static_cast<std::uint64_t>(producers);
  std::vector<std::atomic<std::uint8_t>> seen(total);
  std::vector<StressResult> results(static_cast<std::size_t>(consumers));
  std::vector<std::thread> threads;
  std::atomic<int> producers_left{producers};
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      const std::uint64_t first = static_cast<std::uint64_t>(p) * per_producer;
      std::vector<std::uint64_t> chunk;
      for (std::uint64_t i = 0; i < per_producer;) {
        if (batch == 1) {
          queue.push(first + i++);
        } else {
          chunk.clear();
          for (; i < per_producer && chunk.size() < batch; ++i) chunk.push_back(first + i);
          queue.push_many(chunk);
        }
      }
      if (--producers_left == 0) queue.close();
    });
  }
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      StressResult& mine = results[static_cast<std::size_t>(c)];
      std::vector<std::uint64_t> last(static_cast<std::size_t>(producers), 0);
      std::vector<bool> any(static_cast<std::size_t>(producers), false);
      std::vector<std::uint64_t> out;
      auto take = [&](std::uint64_t value) {
        ++mine.count;
        mine.sum += value;
        mine.sum_of_squares += value * value;
        if (seen[value].fetch_add(1, std::memory_order_relaxed) != 0) mine.each_item_once = false;
        const auto p = static_cast<std::size_t>(value / per_producer);
        if (any[p] && value <= last[p]) mine.each_producer_in_order = false;
        any[p] = true;
        last[p] = value;
      };
      if (batch == 1) {
        while (auto value = queue.pop()) take(*value);
      } else {
        for (;;) {
          out.clear();
          if (queue.pop_many(out, batch) == 0) break;
          for (std::uint64_t value : out) take(value);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  StressResult all;
  for (const auto& r : results) {
    all.count += r.count;
    all.sum += r.sum;
    all.sum_of_squares += r.sum_of_squares;
    all.each_producer_in_order = all.each_producer_in_order && r.each_producer_in_order;
    all.each_item_once = all.each_item_once && r.each_item_once;
  }
  return all;
}

}  // namespace

TEST_CASE("many producers and many consumers: nothing lost, nothing duplicated") {
  // 2 million items normally; a tenth of that under the sanitizers (same checks).
  const std::uint64_t per_producer = sanitized ? 50'000 : 500'000;
  const int producers = 4;
  const int consumers = 4;
  const std::uint64_t total = per_producer * producers;
  const std::uint64_t expected_sum = total * (total - 1) / 2;
  const std::uint64_t expected_squares = (total - 1) * total * (2 * total - 1) / 6;
  const std::size_t batch = GENERATE(std::size_t{1}, std::size_t{64});
  CAPTURE(batch);
  BoundedQueue<std::uint64_t> queue{1024};
  const StressResult result = stress(producers, consumers, per_producer, batch, queue);
  CHECK(result.count == total);
  CHECK(result.sum == expected_sum);
  CHECK(result.sum_of_squares == expected_squares);
  CHECK(result.each_item_once);
  CHECK(result.each_producer_in_order);
  const auto stats = queue.stats();
  CHECK(stats.pushed == total);
  CHECK(stats.popped == total);
  CHECK(stats.dropped == 0);
  CHECK(stats.high_water <= 1024);
  CHECK(stats.high_water > 0);
}

TEST_CASE("many producers and consumers under drop policies: every item popped or counted as dropped") {
  const std::uint64_t per_producer = sanitized ? 20'000 : 200'000;
  const auto policy = GENERATE(OverflowPolicy::drop_oldest, OverflowPolicy::drop_newest);
  const std::size_t batch = GENERATE(std::size_t{1}, std::size_t{64});
  CAPTURE(static_cast<int>(policy), batch);
  BoundedQueue<std::uint64_t> queue{64, policy};
  const StressResult result = stress(3, 2, per_producer, batch, queue);
  const auto stats = queue.stats();
  CHECK(stats.pushed == per_producer * 3);
  CHECK(result.count == stats.popped);
  CHECK(stats.popped + stats.dropped == stats.pushed);
  CHECK(result.each_item_once);
  CHECK(result.each_producer_in_order);  // dropping never reorders what is kept
  CHECK(stats.high_water <= 64);
}
