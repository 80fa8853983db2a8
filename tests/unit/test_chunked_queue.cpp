#include "streamlab/chunked_queue.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using streamlab::ChunkedQueue;
using streamlab::Clock;
using streamlab::ManualClock;

namespace {
// Everything the consumer gets until the end, taken a span at a time.
std::vector<int> drain(ChunkedQueue<int>& queue) {
  std::vector<int> all;
  for (;;) {
    auto items = queue.front();
    if (items.empty()) break;
    all.insert(all.end(), items.begin(), items.end());
    queue.pop(items.size());
  }
  return all;
}
}  // namespace

TEST_CASE("items go through in order, a chunk at a time, and a partial chunk at close") {
  ChunkedQueue<int> queue{100, 4};
  for (int i = 0; i < 10; ++i) REQUIRE(queue.push(i));
  queue.close();
  auto first = queue.front();
  CHECK(first.size() == 4);  // one whole chunk
  queue.pop(1);
  CHECK(queue.front().size() == 3);  // the rest of it
  queue.pop(3);
  std::vector<int> rest = drain(queue);
  CHECK(rest == std::vector<int>{4, 5, 6, 7, 8, 9});
  CHECK(queue.done());
}

TEST_CASE("flush hands on a partial chunk at once") {
  ManualClock clock;
  ChunkedQueue<int> queue{100, 64, clock};
  queue.push(1);
  CHECK(queue.front_until(Clock::time_point{}).empty());  // still in the producer's chunk
  CHECK(queue.flush());
  CHECK(queue.front_until(Clock::time_point{}).size() == 1);
  CHECK(queue.flush());  // nothing to hand on: fine
}

TEST_CASE("a producer and a consumer thread: every item once, in order, with chunks reused") {
  ChunkedQueue<int> queue{8, 4};  // two chunks of room: the producer waits often
  bool all_pushed = true;
  std::thread producer([&] {
    for (int i = 0; i < 100'000; ++i) all_pushed = queue.push(i) && all_pushed;
    queue.close();
  });
  std::vector<int> got = drain(queue);
  producer.join();
  CHECK(all_pushed);
  std::vector<int> expected(100'000);
  std::iota(expected.begin(), expected.end(), 0);
  CHECK(got == expected);
  CHECK(queue.capacity_in_chunks() == 2);
}

TEST_CASE("cancel stops a waiting producer and a waiting consumer") {
  ChunkedQueue<int> queue{1, 1};
  REQUIRE(queue.push(1));  // the queue's one chunk
  bool pushed = true;
  std::thread producer([&] { pushed = queue.push(2); });  // waits for room, then is refused
  std::this_thread::sleep_for(10ms);
  queue.cancel();
  producer.join();
  CHECK_FALSE(pushed);
  CHECK(queue.front().size() == 1);  // what was queued can still be taken
  queue.pop(1);
  CHECK(queue.front().empty());
  CHECK(queue.done());
}

TEST_CASE("misuse: sizes of 0, popping more than front() holds") {
  CHECK_THROWS_AS(ChunkedQueue<int>(0, 4), std::invalid_argument);
  CHECK_THROWS_AS(ChunkedQueue<int>(4, 0), std::invalid_argument);
  ChunkedQueue<int> queue{4, 2};
  queue.push(1);
  queue.close();
  CHECK(queue.front().size() == 1);
  CHECK_THROWS_AS(queue.pop(2), std::out_of_range);
}
