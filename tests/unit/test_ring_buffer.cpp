#include "streamlab/ring_buffer.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using streamlab::RingBuffer;

namespace {
template <typename T>
std::vector<T> contents(const RingBuffer<T>& ring) {
  auto items = ring.items();
  return {items.begin(), items.end()};
}
}  // namespace

TEST_CASE("a ring buffer fills up, then keeps the most recent items, oldest first") {
  RingBuffer<int> ring{3};
  CHECK(ring.empty());
  ring.push(1);
  ring.push(2);
  CHECK(contents(ring) == std::vector<int>{1, 2});
  CHECK_FALSE(ring.full());
  ring.push(3);
  CHECK(ring.full());
  CHECK(contents(ring) == std::vector<int>{1, 2, 3});
  for (int x = 4; x <= 10; ++x) {
    ring.push(x);
    CHECK(contents(ring) == std::vector<int>{x - 2, x - 1, x});
    CHECK(ring.size() == 3);
  }
}

TEST_CASE("items() is one contiguous span at every fill level and wrap position") {
  for (std::size_t capacity = 1; capacity <= 6; ++capacity) {
    RingBuffer<int> ring{capacity};
    std::vector<int> all;
    for (int x = 0; x < 20; ++x) {
      ring.push(x);
      all.push_back(x);
      const std::size_t held = std::min(all.size(), capacity);
      CHECK(contents(ring) == std::vector<int>(all.end() - static_cast<std::ptrdiff_t>(held), all.end()));
      CHECK(ring[0] == all[all.size() - held]);
    }
  }
}

TEST_CASE("last(k) gives the k newest items and refuses more than it holds") {
  RingBuffer<int> ring{4};
  for (int x = 0; x < 6; ++x) ring.push(x);
  auto two = ring.last(2);
  CHECK(std::vector<int>(two.begin(), two.end()) == std::vector<int>{4, 5});
  CHECK(ring.last(0).empty());
  CHECK_THROWS_AS(ring.last(5), std::out_of_range);
}

TEST_CASE("clear empties the buffer and it can be filled again") {
  RingBuffer<std::string> ring{2};
  ring.push("a");
  ring.push("b");
  ring.push("c");
  ring.clear();
  CHECK(ring.empty());
  CHECK(ring.items().empty());
  std::string moved = "d";
  ring.push(std::move(moved));
  CHECK(contents(ring) == std::vector<std::string>{"d"});
}

TEST_CASE("a ring buffer of capacity 0 is rejected") { CHECK_THROWS_AS(RingBuffer<int>{0}, std::invalid_argument); }
