// Tests of exercise 06.1, sliding windows (exercises/06_windowed_processing/1_sliding_windows.hpp).
// Run them with: scripts/exercise 06.1
#include "1_sliding_windows.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

using exercise::sliding_windows;
using Windows = std::vector<std::vector<int>>;

namespace {
// 0, 1, ..., count − 1; each item read is written to *trace (when trace is set) as "read N".
streamlab::Generator<int> numbers(int count, std::vector<std::string>* trace = nullptr) {
  for (int i = 0; i < count; ++i) {
    if (trace) trace->push_back("read " + std::to_string(i));
    co_yield i;
  }
}

Windows windows_of(int count, std::size_t size, std::size_t stride) {
  Windows windows;
  for (std::vector<int>& window : sliding_windows(numbers(count), size, stride)) windows.push_back(window);
  return windows;
}
}  // namespace

TEST_CASE("sliding windows: size 5, stride 2 over 0..19 are 8 windows, [0..4] to [14..18], as in lesson 06") {
  const Windows windows = windows_of(20, 5, 2);
  CHECK(windows.size() == 8);
  REQUIRE(!windows.empty());
  CHECK(windows.front() == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(windows[1] == std::vector<int>{2, 3, 4, 5, 6});
  CHECK(windows.back() == std::vector<int>{14, 15, 16, 17, 18});
}

TEST_CASE("sliding windows: size 5, stride 3 over 0..14 start at 0, 3, 6, 9") {
  CHECK(windows_of(15, 5, 3) == Windows{{0, 1, 2, 3, 4}, {3, 4, 5, 6, 7}, {6, 7, 8, 9, 10}, {9, 10, 11, 12, 13}});
}

TEST_CASE("sliding windows: a stride equal to the size gives tumbling windows; an incomplete last one is dropped") {
  CHECK(windows_of(22, 5, 5) == Windows{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}, {10, 11, 12, 13, 14}, {15, 16, 17, 18, 19}});
}

TEST_CASE("sliding windows: a stride larger than the size skips the items between windows") {
  CHECK(windows_of(10, 2, 3) == Windows{{0, 1}, {3, 4}, {6, 7}});
}

TEST_CASE("sliding windows: fewer items than one window give no window") { CHECK(windows_of(4, 5, 2).empty()); }

TEST_CASE("sliding windows: a window goes out as soon as its last item has been read") {
  std::vector<std::string> trace;
  for (const std::vector<int>& window : sliding_windows(numbers(6, &trace), 3, 2)) {
    trace.push_back("window from " + std::to_string(window.front()));
  }
  CHECK(trace == std::vector<std::string>{"read 0", "read 1", "read 2", "window from 0", "read 3", "read 4",
                                          "window from 2", "read 5"});
}
