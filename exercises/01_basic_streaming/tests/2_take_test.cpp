// Tests of exercise 01.2, take (exercises/01_basic_streaming/2_take.hpp).
// Run them with: scripts/exercise 01.2
#include "2_take.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

using exercise::take;

namespace {
// 0, 1, 2, ... without end; *made counts the values made so far. (A pointer, not a reference:
// coroutine parameters are copied into the frame, and the counter must outlive the generator.)
streamlab::Generator<int> counting(int* made) {
  for (int i = 0;; ++i) {
    ++*made;
    co_yield i;
  }
}

// 0, 1, ..., count − 1.
streamlab::Generator<int> numbers(int count) {
  for (int i = 0; i < count; ++i) co_yield i;
}

std::vector<int> collect(streamlab::Generator<int> values) {
  std::vector<int> out;
  for (int value : values) out.push_back(value);
  return out;
}
}  // namespace

TEST_CASE("take: the first 3 values of 0, 1, 2, ... are 0, 1, 2") {
  int made = 0;
  CHECK(collect(take(counting(&made), 3)) == std::vector<int>{0, 1, 2});
}

TEST_CASE("take: taking 3 values makes the source produce exactly 3, not a 4th") {
  int made = 0;
  collect(take(counting(&made), 3));
  CHECK(made == 3);
}

TEST_CASE("take: taking 0 values gives none and never starts the source") {
  int made = 0;
  CHECK(collect(take(counting(&made), 0)).empty());
  CHECK(made == 0);
}

TEST_CASE("take: asking for more values than the stream has gives the whole stream") {
  CHECK(collect(take(numbers(5), 10)) == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(collect(take(numbers(0), 3)).empty());
}

TEST_CASE("take: the source runs only as the consumer asks, one value at a time") {
  int made = 0;
  auto first_two = take(counting(&made), 2);
  CHECK(made == 0);  // made, not started
  auto it = first_two.begin();
  REQUIRE_FALSE(it == first_two.end());
  CHECK(*it == 0);
  CHECK(made == 1);  // one value asked for, one made
  ++it;
  REQUIRE_FALSE(it == first_two.end());
  CHECK(*it == 1);
  CHECK(made == 2);
}
