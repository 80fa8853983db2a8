// Tests of exercise 02.1, batched (exercises/02_batch_processing/1_batched.hpp).
// Run them with: scripts/exercise 02.1
#include "1_batched.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

using exercise::batched;

namespace {
// 0, 1, ..., count − 1.
streamlab::Generator<int> numbers(int count) {
  for (int i = 0; i < count; ++i) co_yield i;
}

std::vector<std::size_t> batch_sizes(int count, std::size_t size) {
  std::vector<std::size_t> sizes;
  for (const std::vector<int>& batch : batched(numbers(count), size)) sizes.push_back(batch.size());
  return sizes;
}
}  // namespace

TEST_CASE("batched: 100 items in batches of 16 are 6 full batches and a last one of 4") {
  CHECK(batch_sizes(100, 16) == std::vector<std::size_t>{16, 16, 16, 16, 16, 16, 4});
}

TEST_CASE("batched: 96 items in batches of 16 are 6 full batches and no empty seventh") {
  CHECK(batch_sizes(96, 16) == std::vector<std::size_t>{16, 16, 16, 16, 16, 16});
}

TEST_CASE("batched: fewer items than one batch are one partial batch") {
  CHECK(batch_sizes(3, 16) == std::vector<std::size_t>{3});
}

TEST_CASE("batched: no items, no batches") { CHECK(batch_sizes(0, 16).empty()); }

TEST_CASE("batched: every item is in exactly one batch, in order (1000 items in batches of 7)") {
  std::vector<int> seen;
  for (const std::vector<int>& batch : batched(numbers(1000), 7)) seen.insert(seen.end(), batch.begin(), batch.end());
  std::vector<int> expected(1000);
  for (int i = 0; i < 1000; ++i) expected[static_cast<std::size_t>(i)] = i;
  CHECK(seen == expected);
}

TEST_CASE("batched: batches of 1 hold one item each") {
  std::vector<std::vector<int>> batches;
  for (const std::vector<int>& batch : batched(numbers(3), 1)) batches.push_back(batch);
  CHECK(batches == std::vector<std::vector<int>>{{0}, {1}, {2}});
}
