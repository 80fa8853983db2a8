#include "streamlab/window.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

using streamlab::Generator;
using streamlab::sliding_windows;
using streamlab::Tail;
using streamlab::tumbling_windows;

namespace {
Generator<int> numbers(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

template <typename Windows>
std::vector<std::vector<int>> collect(Windows windows) {
  std::vector<std::vector<int>> out;
  for (auto window : windows) out.emplace_back(window.begin(), window.end());
  return out;
}

// The oracle: windows cut out of a whole vector, the obvious way.
std::vector<std::vector<int>> naive_windows(int n, std::size_t size, std::size_t stride, Tail tail) {
  std::vector<std::vector<int>> out;
  for (std::size_t start = 0; start < static_cast<std::size_t>(n); start += stride) {
    const std::size_t end = std::min(start + size, static_cast<std::size_t>(n));
    if (end - start < size && tail == Tail::drop) break;
    std::vector<int> window;
    for (std::size_t i = start; i < end; ++i) window.push_back(static_cast<int>(i));
    out.push_back(window);
  }
  return out;
}
}  // namespace

TEST_CASE("the seed's sliding window: size 5, stride 2 over 0..19 gives 8 windows") {
  auto windows = collect(sliding_windows(std::views::iota(0, 20), 5, 2));
  REQUIRE(windows.size() == 8);
  CHECK(windows[0] == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(windows[1] == std::vector<int>{2, 3, 4, 5, 6});
  CHECK(windows[2] == std::vector<int>{4, 5, 6, 7, 8});
  CHECK(windows[3] == std::vector<int>{6, 7, 8, 9, 10});
  CHECK(windows[7] == std::vector<int>{14, 15, 16, 17, 18});
}

TEST_CASE("a window prints with fmt::join like the seed's lists") {
  for (auto window : sliding_windows(std::views::iota(0, 20), 5, 2)) {
    CHECK(fmt::format("[{}]", fmt::join(window, ", ")) == "[0, 1, 2, 3, 4]");
    break;  // leaving early destroys the generator cleanly
  }
}

TEST_CASE("windows over a single-pass Generator match windows over a container") {
  CHECK(collect(sliding_windows(numbers(20), 5, 2)) == collect(sliding_windows(std::views::iota(0, 20), 5, 2)));
}

TEST_CASE("every size, stride and tail policy agrees with cutting windows out of a vector") {
  for (int n : {0, 1, 4, 5, 6, 19, 20, 23}) {
    for (std::size_t size = 1; size <= 7; ++size) {
      for (std::size_t stride = 1; stride <= 9; ++stride) {
        for (Tail tail : {Tail::drop, Tail::keep}) {
          INFO("n=" << n << " size=" << size << " stride=" << stride << " keep=" << (tail == Tail::keep));
          CHECK(collect(sliding_windows(numbers(n), size, stride, tail)) == naive_windows(n, size, stride, tail));
        }
      }
    }
  }
}

TEST_CASE("tumbling windows do not overlap; the tail policy decides the short last window") {
  CHECK(collect(tumbling_windows(std::views::iota(0, 20), 5)).size() == 4);
  auto dropped = collect(tumbling_windows(std::views::iota(0, 22), 5));
  CHECK(dropped.size() == 4);
  auto kept = collect(tumbling_windows(std::views::iota(0, 22), 5, Tail::keep));
  REQUIRE(kept.size() == 5);
  CHECK(kept.back() == std::vector<int>{20, 21});
}

TEST_CASE("an input shorter than the window gives no window unless the tail is kept") {
  CHECK(collect(sliding_windows(numbers(3), 5, 1)).empty());
  CHECK(collect(sliding_windows(numbers(3), 5, 1, Tail::keep)) ==
        std::vector<std::vector<int>>{{0, 1, 2}, {1, 2}, {2}});
  CHECK(collect(sliding_windows(numbers(0), 5, 1, Tail::keep)).empty());
}

TEST_CASE("windows are views into one fixed buffer: no per-window copy, O(size) memory") {
  const std::size_t size = 8;
  const int* lowest = nullptr;
  const int* highest = nullptr;
  std::size_t count = 0;
  for (auto window : sliding_windows(numbers(10'000), size, 1)) {
    if (!lowest || window.data() < lowest) lowest = window.data();
    if (!highest || window.data() > highest) highest = window.data();
    ++count;
  }
  CHECK(count == 10'000 - size + 1);
  // Every window starts inside the same 2 × size slots, whatever the length of the stream.
  CHECK(highest - lowest < static_cast<std::ptrdiff_t>(2 * size));
}

TEST_CASE("windows of strings read from a generator hold the right strings") {
  auto words = []() -> Generator<std::string> {
    for (const char* w : {"a", "b", "c", "d", "e"}) co_yield std::string(w);
  };
  std::vector<std::string> joined;
  for (auto window : sliding_windows(words(), 2, 1)) joined.push_back(window[0] + window[1]);
  CHECK(joined == std::vector<std::string>{"ab", "bc", "cd", "de"});
}

TEST_CASE("size 0 or stride 0 is rejected at the call") {
  CHECK_THROWS_AS(sliding_windows(numbers(3), 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(sliding_windows(numbers(3), 2, 0), std::invalid_argument);
  CHECK_THROWS_AS(tumbling_windows(numbers(3), 0), std::invalid_argument);
}

TEST_CASE("an exception in the input reaches the consumer of the windows") {
  auto failing = []() -> Generator<int> {
    co_yield 1;
    co_yield 2;
    throw std::runtime_error("source broke");
  };
  auto windows = sliding_windows(failing(), 2, 1);
  auto it = windows.begin();
  CHECK((*it)[1] == 2);
  CHECK_THROWS_WITH(++it, "source broke");
}
