// Tests of exercise 06.2, event time and a watermark (exercises/06_windowed_processing/2_watermark.hpp).
// Run them with: scripts/exercise 06.2
#include "2_watermark.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <vector>

using exercise::Arrival;
using exercise::TumblingWindows;
using exercise::Window;

namespace {
// Lesson 06's click stream: event times in seconds, in arrival order.
const std::vector<std::int64_t> clicks = {1, 3, 2, 7, 11, 5, 14, 9, 18, 22, 16, 25, 21, 31};

std::vector<std::int64_t> times_of(const std::vector<exercise::Event>& events) {
  std::vector<std::int64_t> times;
  for (const auto& event : events) times.push_back(event.time);
  return times;
}

// The late events' times after the whole stream, with windows of 10 s and the given lateness.
std::vector<std::int64_t> late_times(std::int64_t lateness) {
  TumblingWindows windows{10, lateness};
  for (std::int64_t t : clicks) windows.add(t, 1);
  return times_of(windows.late());
}
}  // namespace

TEST_CASE("watermark: lesson 06's 14 clicks with 3 s of lateness: only t = 9 s, arriving 8th, is late") {
  TumblingWindows windows{10, 3};
  std::vector<std::int64_t> late;
  for (std::int64_t t : clicks) {
    if (windows.add(t, 1) == Arrival::late) late.push_back(t);
  }
  CHECK(late == std::vector<std::int64_t>{9});
  CHECK(times_of(windows.late()) == std::vector<std::int64_t>{9});
}

TEST_CASE("watermark: an event older than the watermark joins its window while it is open (t = 5 s after t = 11 s)") {
  TumblingWindows windows{10, 3};
  windows.add(1, 1);
  windows.add(11, 1);
  REQUIRE(windows.watermark() == std::optional<std::int64_t>{8});
  CHECK(windows.add(5, 1) == Arrival::in_window);
  CHECK(windows.late().empty());
}

TEST_CASE(
    "watermark: window [0, 10) closes when the watermark reaches 10, not before (at t = 14 s, with 3 s of lateness)") {
  TumblingWindows windows{10, 3};
  for (std::int64_t t : {1, 3, 2, 7, 11, 5}) windows.add(t, 1);
  CHECK(windows.take_closed().empty());  // watermark 8: [0, 10) may still get events
  windows.add(14, 1);                    // watermark 11
  const std::vector<Window> closed = windows.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].start == 0);
  CHECK(closed[0].end == 10);
  CHECK(times_of(closed[0].events) == std::vector<std::int64_t>{1, 3, 2, 7, 5});
}

TEST_CASE("watermark: with no allowed lateness, t = 5, 9 and 16 s are late, and t = 2 and 21 s are not") {
  CHECK(late_times(0) == std::vector<std::int64_t>{5, 9, 16});
}

TEST_CASE("watermark: every click ends up in one window or on the side channel, windows in order of start") {
  TumblingWindows windows{10, 3};
  for (std::int64_t t : clicks) windows.add(t, 1);
  windows.close_all();
  const std::vector<Window> closed = windows.take_closed();
  std::vector<std::int64_t> starts;
  std::vector<std::size_t> sizes;
  for (const auto& window : closed) {
    starts.push_back(window.start);
    sizes.push_back(window.events.size());
  }
  CHECK(starts == std::vector<std::int64_t>{0, 10, 20, 30});
  CHECK(sizes == std::vector<std::size_t>{5, 4, 3, 1});
  CHECK(windows.late().size() == 1);
}

TEST_CASE(
    "watermark: an event for a window whose end the watermark has just reached is late, and the window goes out once") {
  TumblingWindows windows{10, 0};
  windows.add(5, 1);
  windows.add(10, 1);  // watermark 10: [0, 10) closes
  CHECK(windows.add(9, 1) == Arrival::late);
  windows.add(25, 1);
  windows.close_all();
  std::vector<std::int64_t> starts;
  for (const auto& window : windows.take_closed()) starts.push_back(window.start);
  CHECK(starts == std::vector<std::int64_t>{0, 10, 20});
}

TEST_CASE("watermark: an old event does not move the watermark back") {
  TumblingWindows windows{10, 3};
  windows.add(20, 1);  // watermark 17
  windows.add(5, 1);   // late: [0, 10) closed at watermark 10
  CHECK(windows.watermark() == std::optional<std::int64_t>{17});
  CHECK(times_of(windows.late()) == std::vector<std::int64_t>{5});
}
