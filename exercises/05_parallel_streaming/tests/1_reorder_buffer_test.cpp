// Tests of exercise 05.1, a reorder buffer (exercises/05_parallel_streaming/1_reorder_buffer.hpp).
// Run them with: scripts/exercise 05.1
#include "1_reorder_buffer.hpp"

#include "streamlab/random.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

using exercise::ReorderBuffer;

namespace {
std::string result_of(std::size_t index) { return "result " + std::to_string(index); }

// Everything the buffer lets out now.
std::vector<std::string> drain(ReorderBuffer& buffer) {
  std::vector<std::string> out;
  while (auto result = buffer.pop_next()) out.push_back(*result);
  return out;
}
}  // namespace

TEST_CASE("reorder buffer: results that finish as 2, 0, 1 come out as 0, 1, 2") {
  ReorderBuffer buffer;
  std::vector<std::string> out;
  for (std::size_t index : std::vector<std::size_t>{2, 0, 1}) {
    buffer.put(index, result_of(index));
    for (auto& result : drain(buffer)) out.push_back(result);
  }
  CHECK(out == std::vector<std::string>{"result 0", "result 1", "result 2"});
}

TEST_CASE("reorder buffer: nothing comes out while item 0 runs, however many later items have finished") {
  ReorderBuffer buffer;
  for (std::size_t index : std::vector<std::size_t>{1, 2, 3}) buffer.put(index, result_of(index));
  CHECK(buffer.pop_next() == std::nullopt);
  CHECK(buffer.held() == 3);
  buffer.put(0, result_of(0));
  CHECK(drain(buffer) == std::vector<std::string>{"result 0", "result 1", "result 2", "result 3"});
}

TEST_CASE("reorder buffer: a gap stops the output again: after item 0 went out, item 2 waits for item 1") {
  ReorderBuffer buffer;
  buffer.put(0, result_of(0));
  CHECK(buffer.pop_next() == "result 0");
  buffer.put(2, result_of(2));
  CHECK(buffer.pop_next() == std::nullopt);
  CHECK(buffer.next_index() == 1);
  buffer.put(1, result_of(1));
  CHECK(buffer.pop_next() == "result 1");
  CHECK(buffer.pop_next() == "result 2");
  CHECK(buffer.pop_next() == std::nullopt);
}

TEST_CASE("reorder buffer: 100 results finishing in a random order each come out once, in order") {
  std::vector<std::size_t> finish_order(100);
  std::iota(finish_order.begin(), finish_order.end(), std::size_t{0});
  streamlab::Random rng{5};
  std::shuffle(finish_order.begin(), finish_order.end(), rng);
  ReorderBuffer buffer;
  std::vector<std::string> out;
  for (std::size_t index : finish_order) {
    buffer.put(index, result_of(index));
    for (auto& result : drain(buffer)) out.push_back(result);
  }
  std::vector<std::string> expected;
  for (std::size_t index = 0; index < 100; ++index) expected.push_back(result_of(index));
  CHECK(out == expected);
  CHECK(buffer.held() == 0);
}
