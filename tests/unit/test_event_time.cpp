#include "streamlab/event_time.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using streamlab::Arrival;
using streamlab::EventTimeWindows;
using streamlab::EventWindow;

namespace {
std::vector<std::int64_t> times(const EventWindow<int>& window) {
  std::vector<std::int64_t> out;
  for (const auto& record : window.records) out.push_back(record.time);
  return out;
}
std::vector<std::pair<std::int64_t, std::int64_t>> bounds(const std::vector<EventWindow<int>>& windows) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& w : windows) out.emplace_back(w.start, w.end);
  return out;
}
}  // namespace

TEST_CASE("in-order records: a tumbling window closes when the watermark reaches its end") {
  auto windows = EventTimeWindows<int>::tumbling(10, 0);
  CHECK(windows.add(1, 0) == Arrival::on_time);
  CHECK(windows.add(9, 0) == Arrival::on_time);
  CHECK(windows.take_closed().empty());
  CHECK(windows.add(10, 0) == Arrival::on_time);  // watermark 10 = end of [0, 10)
  auto closed = windows.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].start == 0);
  CHECK(closed[0].end == 10);
  CHECK(times(closed[0]) == std::vector<std::int64_t>{1, 9});
  CHECK(windows.take_closed().empty());  // taken once
  CHECK(windows.open_windows() == 1);
}

TEST_CASE("out-of-order records within the allowed lateness join their window") {
  auto windows = EventTimeWindows<int>::tumbling(10, 5);
  CHECK(windows.add(2, 0) == Arrival::on_time);
  CHECK(windows.add(12, 0) == Arrival::on_time);  // watermark 7: [0, 10) stays open
  CHECK(windows.add(8, 0) == Arrival::out_of_order);
  CHECK(windows.add(5, 0) == Arrival::out_of_order);
  CHECK(windows.take_closed().empty());
  CHECK(windows.add(15, 0) == Arrival::on_time);  // watermark 10: now it closes
  auto closed = windows.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(times(closed[0]) == std::vector<std::int64_t>{2, 8, 5});  // arrival order
  CHECK(windows.late_count() == 0);
  CHECK(windows.accepted() == 5);
}

TEST_CASE("a late record goes to the side channel and is counted, never lost") {
  auto windows = EventTimeWindows<int>::tumbling(10, 2);
  windows.add(3, 30);
  windows.add(12, 120);  // watermark 10: [0, 10) closed
  CHECK(windows.add(7, 70) == Arrival::late);
  CHECK(windows.add(11, 110) == Arrival::out_of_order);  // its window [10, 20) is still open
  CHECK(windows.late_count() == 1);
  auto late = windows.take_late();
  REQUIRE(late.size() == 1);
  CHECK(late[0].time == 7);
  CHECK(late[0].value == 70);
  CHECK(windows.take_late().empty());
  CHECK(windows.late_count() == 1);  // the total stays
  auto closed = windows.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(times(closed[0]) == std::vector<std::int64_t>{3});  // the late record did not sneak in
}

TEST_CASE("a very late record, older than any window ever held, is late too") {
  auto windows = EventTimeWindows<int>::tumbling(10, 0);
  for (std::int64_t t = 100; t < 200; t += 7) windows.add(t, 0);
  CHECK(windows.add(-1000, 0) == Arrival::late);
  CHECK(windows.add(5, 0) == Arrival::late);
  CHECK(windows.late_count() == 2);
  // Closed windows came out in order of start and hold only their own times.
  windows.close_all();
  auto closed = windows.take_closed();
  for (std::size_t i = 0; i < closed.size(); ++i) {
    for (auto t : times(closed[i])) CHECK((closed[i].start <= t && t < closed[i].end));
    if (i > 0) CHECK(closed[i - 1].start < closed[i].start);
  }
}

TEST_CASE("the watermark is the highest time seen minus the lateness, and never goes back") {
  auto windows = EventTimeWindows<int>::tumbling(10, 3);
  CHECK_FALSE(windows.watermark().has_value());
  windows.add(20, 0);
  CHECK(windows.watermark() == 17);
  windows.add(15, 0);  // out of order: the watermark stays
  CHECK(windows.watermark() == 17);
  windows.add(30, 0);
  CHECK(windows.watermark() == 27);
  windows.advance_watermark(25);  // lower: ignored
  CHECK(windows.watermark() == 27);
  windows.advance_watermark(40);  // a quiet source's heartbeat closes [30, 40)
  CHECK(windows.watermark() == 40);
  CHECK(bounds(windows.take_closed()) ==
        std::vector<std::pair<std::int64_t, std::int64_t>>{{10, 20}, {20, 30}, {30, 40}});
  CHECK(windows.open_windows() == 0);
}

TEST_CASE("close_all ends the stream: every open window closes, later records are late") {
  auto windows = EventTimeWindows<int>::tumbling(10, 100);
  windows.add(5, 0);
  windows.add(25, 0);
  CHECK(windows.take_closed().empty());
  windows.close_all();
  CHECK(bounds(windows.take_closed()) == std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 10}, {20, 30}});
  CHECK(windows.add(26, 0) == Arrival::late);
}

TEST_CASE("sliding windows: a record joins every window that covers it") {
  auto windows = EventTimeWindows<int>::sliding(10, 5, 0);
  windows.add(7, 0);   // in [0, 10) and [5, 15)
  windows.add(12, 0);  // in [5, 15) and [10, 20); watermark 12 closes [0, 10)
  windows.close_all();
  auto closed = windows.take_closed();
  CHECK(bounds(closed) == std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 10}, {5, 15}, {10, 20}});
  CHECK(times(closed[0]) == std::vector<std::int64_t>{7});
  CHECK(times(closed[1]) == std::vector<std::int64_t>{7, 12});
  CHECK(times(closed[2]) == std::vector<std::int64_t>{12});
}

TEST_CASE("a record that still has one open sliding window is accepted, not late") {
  auto windows = EventTimeWindows<int>::sliding(10, 5, 0);
  windows.add(16, 0);                                  // watermark 16: [0,10) and [5,15) would be closed
  CHECK(windows.add(12, 0) == Arrival::out_of_order);  // [5, 15) closed, [10, 20) open
  CHECK(windows.add(4, 0) == Arrival::late);           // [0, 10) and [-5, 5) both closed
}

TEST_CASE("negative event times fall into the right windows") {
  auto windows = EventTimeWindows<int>::tumbling(10, 0);
  windows.add(-15, 0);
  windows.add(-1, 0);
  windows.close_all();
  CHECK(bounds(windows.take_closed()) == std::vector<std::pair<std::int64_t, std::int64_t>>{{-20, -10}, {-10, 0}});
}

TEST_CASE("bad window shapes are rejected") {
  CHECK_THROWS_AS(EventTimeWindows<int>(0, 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(EventTimeWindows<int>(10, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(EventTimeWindows<int>(10, 11, 0), std::invalid_argument);
  CHECK_THROWS_AS(EventTimeWindows<int>(10, 5, -1), std::invalid_argument);
}

using streamlab::EventTimeSessions;

TEST_CASE("sessions: records less than the gap apart form one session; silence ends it") {
  EventTimeSessions<int> sessions{5, 0};
  for (std::int64_t t : {1, 3, 4}) CHECK(sessions.add(t, 0) == Arrival::on_time);
  CHECK(sessions.take_closed().empty());
  sessions.add(20, 0);  // watermark 20 passes the end of [1, 9)
  auto closed = sessions.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].start == 1);
  CHECK(closed[0].end == 9);
  CHECK(times(closed[0]) == std::vector<std::int64_t>{1, 3, 4});
  sessions.add(22, 0);
  sessions.close_all();
  CHECK(bounds(sessions.take_closed()) == std::vector<std::pair<std::int64_t, std::int64_t>>{{20, 27}});
}

TEST_CASE("sessions: an out-of-order record that bridges two sessions merges them") {
  EventTimeSessions<int> sessions{5, 10};
  sessions.add(0, 0);
  sessions.add(8, 0);  // 8 apart: two sessions, [0, 5) and [8, 13)
  CHECK(sessions.open_sessions() == 2);
  CHECK(sessions.add(4, 0) == Arrival::out_of_order);  // [4, 9) overlaps both
  CHECK(sessions.open_sessions() == 1);
  sessions.close_all();
  auto closed = sessions.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].start == 0);
  CHECK(closed[0].end == 13);
  CHECK(times(closed[0]) == std::vector<std::int64_t>{0, 8, 4});
}

TEST_CASE("sessions: late records go to the side channel; a straggler can still extend an open session") {
  EventTimeSessions<int> sessions{5, 2};
  sessions.add(0, 0);
  sessions.add(30, 0);                                  // watermark 28: [0, 5) closed
  CHECK(sessions.add(2, 0) == Arrival::late);           // its session would have ended at 7 <= 28
  CHECK(sessions.add(27, 0) == Arrival::out_of_order);  // joins the open session [30, 35)
  CHECK(sessions.late_count() == 1);
  CHECK(sessions.take_late().size() == 1);
  sessions.close_all();
  CHECK(bounds(sessions.take_closed()) == std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 5}, {27, 35}});
  CHECK_THROWS_AS(EventTimeSessions<int>(0, 0), std::invalid_argument);
  CHECK_THROWS_AS(EventTimeSessions<int>(5, -1), std::invalid_argument);
}
