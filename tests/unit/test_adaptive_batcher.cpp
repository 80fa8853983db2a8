#include "streamlab/adaptive_batcher.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using streamlab::AdaptiveBatcher;
using streamlab::BoundedQueue;
using streamlab::Clock;
using streamlab::FlushReason;
using streamlab::ManualClock;
using streamlab::OverflowPolicy;

namespace {
Clock::time_point at(Clock::duration since_zero) { return Clock::time_point{} + since_zero; }
}  // namespace

TEST_CASE("a batch is handed out when it is full") {
  ManualClock clock;
  AdaptiveBatcher<int> batcher{3, 50ms, clock};
  std::vector<std::vector<int>> batches;
  for (int i = 0; i < 7; ++i) {
    if (auto batch = batcher.add(i)) batches.push_back(*batch);
  }
  CHECK(batches == std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}});
  CHECK(batcher.pending() == 1);
  CHECK(batcher.room() == 2);
  CHECK(batcher.flush() == std::vector<int>{6});
  CHECK(batcher.last_reason() == FlushReason::close);
  CHECK_FALSE(batcher.flush().has_value());  // nothing left
  CHECK(batcher.batches_by_size() == 2);
  CHECK(batcher.batches_by_close() == 1);
  CHECK(batcher.batches_by_timeout() == 0);
}

TEST_CASE("a batch is handed out when its oldest item has waited the timeout") {
  ManualClock clock;
  AdaptiveBatcher<int> batcher{100, 50ms, clock};
  CHECK(batcher.deadline() == Clock::time_point::max());  // nothing pending: no deadline
  CHECK_FALSE(batcher.flush_if_due().has_value());
  clock.advance(10ms);
  CHECK_FALSE(batcher.add(1).has_value());
  CHECK(batcher.deadline() == at(60ms));
  clock.advance(30ms);
  CHECK_FALSE(batcher.add(2).has_value());
  CHECK(batcher.deadline() == at(60ms));  // set by the oldest item, not the newest
  clock.advance(20ms - 1ns);
  CHECK_FALSE(batcher.flush_if_due().has_value());
  clock.advance(1ns);
  CHECK(batcher.flush_if_due() == std::vector<int>{1, 2});
  CHECK(batcher.last_reason() == FlushReason::timeout);
  CHECK(batcher.batches_by_timeout() == 1);
  CHECK(batcher.deadline() == Clock::time_point::max());
}

TEST_CASE("an item added after the deadline rides along with the overdue batch") {
  ManualClock clock;
  AdaptiveBatcher<std::string> batcher{10, 5ms, clock};
  batcher.add("a");
  clock.advance(7ms);
  CHECK(batcher.add("b") == std::vector<std::string>{"a", "b"});
  CHECK(batcher.last_reason() == FlushReason::timeout);
}

TEST_CASE("add with the time of arrival: one clock read for a burst of items") {
  ManualClock clock;
  AdaptiveBatcher<int> batcher{10, 5ms, clock};
  const auto burst = clock.now();  // read once; the clock goes on past the deadline meanwhile
  clock.advance(9ms);
  CHECK_FALSE(batcher.add(1, burst).has_value());
  CHECK_FALSE(batcher.add(2, burst).has_value());  // by the time given, nothing is due yet
  CHECK(batcher.deadline() == burst + 5ms);
  CHECK(batcher.add(3, burst + 5ms) == std::vector<int>{1, 2, 3});
  CHECK(batcher.last_reason() == FlushReason::timeout);
}

TEST_CASE("a recycled vector holds a later batch: no allocation per batch") {
  ManualClock clock;
  AdaptiveBatcher<int> batcher{2, 5ms, clock};
  batcher.add(1);
  auto first = batcher.add(2);  // full: the batcher starts its next batch in a fresh vector
  REQUIRE(first == std::vector<int>{1, 2});
  batcher.add(3);
  auto second = batcher.add(4);  // full: the batcher starts its next batch in a fresh vector
  REQUIRE(second == std::vector<int>{3, 4});
  const int* const storage = first->data();
  batcher.recycle(std::move(*first));  // used up: give it back
  batcher.add(5);
  auto third = batcher.add(6);  // begun before the recycle; the next batch starts in `storage`
  batcher.add(7);
  auto fourth = batcher.add(8);
  REQUIRE(third == std::vector<int>{5, 6});
  REQUIRE(fourth == std::vector<int>{7, 8});
  CHECK(fourth->data() == storage);  // cleared and filled again: the old items are gone
  std::vector<int> too_small;
  batcher.recycle(std::move(too_small));  // no room for a batch: not kept, and no harm done
  batcher.add(9);
  CHECK(batcher.add(10) == std::vector<int>{9, 10});
}

TEST_CASE("a zero timeout hands every item out alone") {
  ManualClock clock;
  AdaptiveBatcher<int> batcher{10, 0ms, clock};
  CHECK(batcher.add(1) == std::vector<int>{1});
  CHECK(batcher.add(2) == std::vector<int>{2});
}

TEST_CASE("bad settings are rejected") {
  ManualClock clock;
  CHECK_THROWS_AS(AdaptiveBatcher<int>(0, 1ms, clock), std::invalid_argument);
  CHECK_THROWS_AS(AdaptiveBatcher<int>(4, -1ms, clock), std::invalid_argument);
}

TEST_CASE("next_batch: a stage thread batches a queue by size, by timeout and at the end") {
  ManualClock clock;
  BoundedQueue<int> input{16, OverflowPolicy::block, clock};
  BoundedQueue<std::vector<int>> output{16, OverflowPolicy::block, clock};
  AdaptiveBatcher<int> batcher{3, 50ms, clock};
  std::vector<Clock::time_point> flushed_at;
  std::vector<FlushReason> reasons;
  std::thread stage([&] {
    while (auto batch = streamlab::next_batch(input, batcher)) {
      flushed_at.push_back(clock.now());
      reasons.push_back(batcher.last_reason());
      output.push(std::move(*batch));
    }
    output.close();
  });

  // Two items at 0 ms: not full, so the stage sleeps until the batch is due at 50 ms.
  input.push(1);
  input.push(2);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(50ms));
  clock.advance(49ms);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(output.size() == 0);
  clock.advance(1ms);
  CHECK(output.pop() == std::vector<int>{1, 2});

  // Three items: full at once, no time passes.
  std::vector<int> three{3, 4, 5};
  input.push_many(three);
  CHECK(output.pop() == std::vector<int>{3, 4, 5});

  // One item, then the input closes: the rest is flushed, then the stage ends.
  input.push(6);
  input.close();
  CHECK(output.pop() == std::vector<int>{6});
  CHECK_FALSE(output.pop().has_value());
  stage.join();

  CHECK(flushed_at == std::vector<Clock::time_point>{at(50ms), at(50ms), at(50ms)});
  CHECK(reasons == std::vector<FlushReason>{FlushReason::timeout, FlushReason::size, FlushReason::close});
}

TEST_CASE("next_batch on an empty closed queue ends at once") {
  BoundedQueue<int> input{4};
  AdaptiveBatcher<int> batcher{8, 1s};
  input.close();
  CHECK_FALSE(streamlab::next_batch(input, batcher).has_value());
}

TEST_CASE("next_batch needs the queue and the batcher on one clock") {
  ManualClock clock;
  BoundedQueue<int> input{4};
  AdaptiveBatcher<int> batcher{8, 1s, clock};
  CHECK_THROWS_AS(streamlab::next_batch(input, batcher), std::invalid_argument);
}

TEST_CASE("next_batch on a ChunkedQueue: batches cross chunks, and a chunk may end a batch midway") {
  streamlab::ChunkedQueue<int> input{64, 4};
  AdaptiveBatcher<int> batcher{3, 1s};
  for (int i = 0; i < 10; ++i) input.push(i);
  input.close();
  std::vector<std::vector<int>> batches;
  while (auto batch = streamlab::next_batch(input, batcher)) batches.push_back(*batch);
  CHECK(batches == std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9}});
  CHECK(input.done());
}

TEST_CASE("next_batch on a ChunkedQueue: by timeout, and the rest at the end") {
  ManualClock clock;
  streamlab::ChunkedQueue<int> input{64, 8, clock};
  BoundedQueue<std::vector<int>> output{16, OverflowPolicy::block, clock};
  AdaptiveBatcher<int> batcher{100, 50ms, clock};
  std::vector<FlushReason> reasons;
  std::thread stage([&] {
    while (auto batch = streamlab::next_batch(input, batcher)) {
      reasons.push_back(batcher.last_reason());
      output.push(std::move(*batch));
    }
    output.close();
  });
  input.push(1);
  input.push(2);
  input.flush();  // a partial chunk: the batch is not full, so it waits for its deadline
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(clock.next_deadline() == at(50ms));
  clock.advance(50ms);
  CHECK(output.pop() == std::vector<int>{1, 2});
  input.push(3);
  input.close();
  CHECK(output.pop() == std::vector<int>{3});
  CHECK_FALSE(output.pop().has_value());
  stage.join();
  CHECK(reasons == std::vector<FlushReason>{FlushReason::timeout, FlushReason::close});
}

TEST_CASE("next_batch on a zero timeout: every item alone, none lost inside a chunk") {
  ManualClock clock;
  streamlab::ChunkedQueue<int> input{64, 8, clock};
  AdaptiveBatcher<int> batcher{100, 0ms, clock};
  for (int i = 0; i < 5; ++i) input.push(i);
  input.close();
  std::vector<std::vector<int>> batches;
  while (auto batch = streamlab::next_batch(input, batcher)) batches.push_back(*batch);
  CHECK(batches == std::vector<std::vector<int>>{{0}, {1}, {2}, {3}, {4}});
}
