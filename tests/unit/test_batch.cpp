#include "streamlab/batch.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

using streamlab::batched;
using streamlab::Generator;

namespace {
Generator<int> numbers(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

std::vector<std::size_t> batch_sizes(int items, std::size_t size) {
  std::vector<std::size_t> sizes;
  for (const auto& batch : batched(numbers(items), size)) sizes.push_back(batch.size());
  return sizes;
}
}  // namespace

TEST_CASE("100 items in batches of 16 give 7 batches, the last of 4") {
  CHECK(batch_sizes(100, 16) == std::vector<std::size_t>{16, 16, 16, 16, 16, 16, 4});
}

TEST_CASE("batches keep every item, in order") {
  std::vector<int> flat;
  for (auto& batch : batched(std::views::iota(0, 23), 5)) flat.insert(flat.end(), batch.begin(), batch.end());
  std::vector<int> expected(23);
  for (int i = 0; i < 23; ++i) expected[static_cast<std::size_t>(i)] = i;
  CHECK(flat == expected);
}

TEST_CASE("an exact multiple leaves no partial batch") {
  CHECK(batch_sizes(32, 16) == std::vector<std::size_t>{16, 16});
}

TEST_CASE("empty input gives no batches") { CHECK(batch_sizes(0, 4).empty()); }

TEST_CASE("a batch size larger than the input gives one partial batch") {
  CHECK(batch_sizes(3, 10) == std::vector<std::size_t>{3});
}

TEST_CASE("batch size 1 gives one batch per item") { CHECK(batch_sizes(4, 1) == std::vector<std::size_t>(4, 1)); }

TEST_CASE("batch size 0 is rejected at the call") { CHECK_THROWS_AS(batched(numbers(3), 0), std::invalid_argument); }

TEST_CASE("batching a container copies its items and leaves it intact") {
  const std::vector<std::string> source{"a", "b", "c"};
  std::vector<std::string> flat;
  for (auto& batch : batched(std::views::all(source), 2)) flat.insert(flat.end(), batch.begin(), batch.end());
  CHECK(flat == source);
  CHECK(source == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("move-only items from a generator are moved into the batches") {
  auto pointers = []() -> Generator<std::unique_ptr<int>> {
    for (int i = 0; i < 5; ++i) co_yield std::make_unique<int>(i);
  };
  int sum = 0;
  std::size_t batches = 0;
  for (auto& batch : batched(pointers(), 2)) {
    ++batches;
    for (auto& p : batch) sum += *p;
  }
  CHECK(sum == 10);
  CHECK(batches == 3);
}

TEST_CASE("an exception in the source reaches the consumer of the batches") {
  auto failing = []() -> Generator<int> {
    co_yield 1;
    throw std::runtime_error("broken source");
  };
  auto consume = [&] {
    for ([[maybe_unused]] auto& batch : batched(failing(), 4)) {
    }
  };
  CHECK_THROWS_WITH(consume(), "broken source");
}

TEST_CASE("breaking out early stops pulling from the source") {
  int pulled = 0;
  auto counting = [](int* counter) -> Generator<int> {
    for (int i = 0;; ++i) {
      ++*counter;
      co_yield i;
    }
  };
  for ([[maybe_unused]] auto& batch : batched(counting(&pulled), 3)) break;
  CHECK(pulled == 3);
}
