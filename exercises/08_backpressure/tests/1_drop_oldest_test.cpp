// Tests of exercise 08.1, a drop-oldest buffer (exercises/08_backpressure/1_drop_oldest.hpp).
// Run them with: scripts/exercise 08.1
#include "1_drop_oldest.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using exercise::DropOldestBuffer;

namespace {
template <typename T>
std::vector<T> pop_all(DropOldestBuffer<T>& buffer) {
  std::vector<T> items;
  while (auto item = buffer.pop()) items.push_back(*item);
  return items;
}

std::vector<int> range(int from, int to) {
  std::vector<int> values;
  for (int i = from; i < to; ++i) values.push_back(i);
  return values;
}
}  // namespace

TEST_CASE("drop oldest: 1500 items into a buffer of 1000 leave items 500 to 1499, 500 dropped") {
  DropOldestBuffer<int> buffer{1000};
  for (int i = 0; i < 1500; ++i) buffer.push(i);
  CHECK(buffer.size() == 1000);
  CHECK(buffer.dropped() == 500);
  CHECK(pop_all(buffer) == range(500, 1500));
}

TEST_CASE("drop oldest: below its capacity nothing is dropped, and items come out oldest first") {
  DropOldestBuffer<int> buffer{5};
  for (int i = 0; i < 3; ++i) buffer.push(i);
  CHECK(buffer.size() == 3);
  CHECK(buffer.dropped() == 0);
  CHECK(pop_all(buffer) == range(0, 3));
}

TEST_CASE("drop oldest: the buffer never holds more than its capacity") {
  DropOldestBuffer<int> buffer{3};
  std::size_t most = 0;
  for (int i = 0; i < 10; ++i) {
    buffer.push(i);
    most = std::max(most, buffer.size());
  }
  CHECK(most == 3);
  CHECK(buffer.dropped() == 7);
}

TEST_CASE("drop oldest: oldest first also after the ring has wrapped round, with pops in between") {
  DropOldestBuffer<std::string> buffer{3};
  for (const char* word : {"a", "b", "c", "d"}) buffer.push(word);  // a is dropped
  CHECK(buffer.pop() == "b");
  buffer.push("e");
  buffer.push("f");  // c is dropped
  CHECK(pop_all(buffer) == std::vector<std::string>{"d", "e", "f"});
  CHECK(buffer.dropped() == 2);
}

TEST_CASE("drop oldest: a buffer of 1 keeps only the newest item") {
  DropOldestBuffer<int> buffer{1};
  for (int i = 0; i < 4; ++i) buffer.push(i);
  CHECK(pop_all(buffer) == std::vector<int>{3});
  CHECK(buffer.dropped() == 3);
}
