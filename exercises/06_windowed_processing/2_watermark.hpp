// Exercise 06.2 ★★★ — Event time: a watermark that closes windows, and late events set aside
//
// Lesson 06 counts clicks in tumbling windows of 10 s by the time they HAPPENED, though they
// arrive out of order. The watermark — the highest event time seen so far minus the allowed
// lateness — is the stream's promise that nothing older is still on its way. A window
// [start, start + size) closes once the watermark reaches its end (watermark >= end), and goes
// out. An event whose window has closed is LATE: it goes to the side channel (late_), counted,
// never into a window. An event older than the watermark whose window is still open is merely
// out of order: it joins its window.
//
// Write add(time, value): put the event into its window — open_[window_start(time)] — or, if that
// window has closed, set it aside as late; then move the watermark on with advance_watermark(),
// given, which never moves it back and closes the windows it reaches.
//
// Check it:  scripts/exercise 06.2        Stuck?  scripts/exercise --hint 06.2
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace exercise {

/// An event: when it happened (event time, in seconds) and what it carries.
struct Event {
  std::int64_t time = 0;
  int value = 0;
};

/// A closed window [start, end) and its events, in arrival order.
struct Window {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::vector<Event> events;
};

/// What add() did with an event.
enum class Arrival { in_window, late };

/// Tumbling windows by event time, closed by a watermark; late events set aside.
class TumblingWindows {
 public:
  /// Windows [0, size), [size, 2·size), ...; the watermark stays `allowed_lateness` behind the
  /// highest event time seen. (size > 0, allowed_lateness >= 0.)
  TumblingWindows(std::int64_t size, std::int64_t allowed_lateness) : size_(size), lateness_(allowed_lateness) {}

  /// Puts the event into its window, or sets it aside if that window has closed; then moves the
  /// watermark on.
  Arrival add([[maybe_unused]] std::int64_t time, [[maybe_unused]] int value) {
    // TODO: late if the event's window has closed (its end <= watermark_), else into open_; then advance the watermark.
    return Arrival::late;
  }

  /// Raises the watermark to `watermark` if that is higher, and closes every open window whose
  /// end it has reached, in order of start.
  void advance_watermark(std::int64_t watermark) {
    if (watermark <= watermark_) return;
    watermark_ = watermark;
    while (!open_.empty() && open_.begin()->first + size_ <= watermark_) {
      auto node = open_.extract(open_.begin());
      closed_.push_back(Window{node.key(), node.key() + size_, std::move(node.mapped())});
    }
  }
  /// End of the stream: every open window closes.
  void close_all() { advance_watermark(std::numeric_limits<std::int64_t>::max()); }

  /// The windows closed since the last call, in order of start.
  std::vector<Window> take_closed() { return std::exchange(closed_, {}); }
  /// The late events so far, in arrival order.
  const std::vector<Event>& late() const { return late_; }
  /// The watermark, or nothing before the first event.
  std::optional<std::int64_t> watermark() const {
    if (watermark_ == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    return watermark_;
  }
  /// The length of a window.
  std::int64_t size() const { return size_; }
  /// How far behind the highest event time seen the watermark stays.
  std::int64_t allowed_lateness() const { return lateness_; }
  /// The start of the window that holds `time`: the largest multiple of size not above it.
  std::int64_t window_start(std::int64_t time) const {
    std::int64_t start = time / size_ * size_;
    if (start > time) start -= size_;  // round down for negative times too
    return start;
  }

 private:
  std::int64_t size_;
  std::int64_t lateness_;
  std::int64_t watermark_ = std::numeric_limits<std::int64_t>::min();
  std::map<std::int64_t, std::vector<Event>> open_;  // open windows' events, by window start
  std::vector<Window> closed_;
  std::vector<Event> late_;
};

}  // namespace exercise
