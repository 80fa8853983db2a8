// Event-time windows: tumbling, sliding and session windows by timestamp, closed by a watermark, late data kept aside.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace streamlab {

/// A value and the time it happened (its event time), in whatever unit the caller uses (ms, say).
template <typename T>
struct Timestamped {
  std::int64_t time = 0;  ///< when it happened (event time), in the caller's unit
  T value{};              ///< what happened
};

/// A closed event-time window: the interval [start, end) and its records, in arrival order.
template <typename T>
struct EventWindow {
  std::int64_t start = 0;               ///< first time in the window
  std::int64_t end = 0;                 ///< one past the last time in the window
  std::vector<Timestamped<T>> records;  ///< the records that fell in it, in arrival order
};

/// What happened to a record given to EventTimeWindows::add.
enum class Arrival {
  on_time,       ///< not older than any record before it; it joined its window(s)
  out_of_order,  ///< older than a record seen before, but its window was still open: it joined it
  late,          ///< every window it belongs to had already closed: it went to the late side channel
};

/// Groups timestamped records into windows by *event time* (when a thing happened), not by
/// arrival order, for records that arrive out of order.
///
/// Windows are [start, end) with `end - start == size`, one starting every `slide` time units
/// (aligned to multiples of `slide`; slide == size gives tumbling windows). The **watermark** is the
/// highest event time seen so far minus `allowed_lateness`: the stream's claim that nothing older
/// is still on its way. A window closes once the watermark reaches its end; closed windows are
/// collected with take_closed(), in order of start. A record whose windows have all closed is
/// *late*: it is put on a side channel (take_late()) and counted — never silently dropped.
/// Windows that receive no record are never created, so they are not reported.
///
/// A larger allowed lateness accepts more stragglers at the cost of results that come out later
/// and more windows held open. Memory: the records of the open windows (a record sits in
/// size / slide windows at once).
/// Not thread-safe: one stage owns it (lock it yourself to share it).
///
/// **Example**
/// \code
/// auto windows = streamlab::EventTimeWindows<double>::tumbling(10, 2);  // [0,10), [10,20), ...; lateness 2
/// windows.add(3, 1.0);    // on_time          watermark 1
/// windows.add(12, 2.0);   // on_time          watermark 10: [0,10) closes
/// windows.add(7, 3.0);    // late: [0,10) has closed; see take_late()
/// windows.add(11, 4.0);   // out_of_order, joins [10,20)
/// for (const auto& w : windows.take_closed()) fmt::print("[{}, {}): {} records\n", w.start, w.end, w.records.size());
/// windows.close_all();    // end of stream: [10,20) closes too
/// \endcode
template <typename T>
class EventTimeWindows {
 public:
  /// Windows of `size` starting every `slide` time units; throws std::invalid_argument unless
  /// 0 < slide <= size and allowed_lateness >= 0.
  EventTimeWindows(std::int64_t size, std::int64_t slide, std::int64_t allowed_lateness)
      : size_(size), slide_(slide), allowed_lateness_(allowed_lateness) {
    if (size <= 0) throw std::invalid_argument("EventTimeWindows: window size must be positive");
    if (slide <= 0 || slide > size) throw std::invalid_argument("EventTimeWindows: slide must be in (0, size]");
    if (allowed_lateness < 0) throw std::invalid_argument("EventTimeWindows: allowed lateness must not be negative");
  }

  /// Tumbling windows: [0, size), [size, 2·size), ...
  static EventTimeWindows tumbling(std::int64_t size, std::int64_t allowed_lateness) {
    return EventTimeWindows(size, size, allowed_lateness);
  }
  /// Sliding (hopping) windows of `size`, one starting every `slide`.
  static EventTimeWindows sliding(std::int64_t size, std::int64_t slide, std::int64_t allowed_lateness) {
    return EventTimeWindows(size, slide, allowed_lateness);
  }

  /// Places one record into every open window that contains `time`, then advances the watermark
  /// and closes the windows it has passed. Returns what happened to the record.
  Arrival add(std::int64_t time, T value) {
    const bool in_order = !max_time_ || time >= *max_time_;
    bool joined = false;
    // The windows holding `time` start at multiples of slide in (time - size, time].
    for (std::int64_t start = newest_window_start(time); start > time - size_; start -= slide_) {
      if (start + size_ <= watermark_) continue;  // that window has closed
      open_[start].push_back(Timestamped<T>{time, value});
      joined = true;
    }
    if (!joined) {
      late_.push_back(Timestamped<T>{time, std::move(value)});
      ++late_count_;
    } else {
      ++accepted_;
    }
    if (in_order) {
      max_time_ = time;
      advance_watermark(time - allowed_lateness_);
    }
    if (!joined) return Arrival::late;
    return in_order ? Arrival::on_time : Arrival::out_of_order;
  }

  /// Raises the watermark to `watermark` if that is higher (for a source that has gone quiet, or a
  /// watermark that comes from elsewhere), closing the windows it passes. It never goes back.
  void advance_watermark(std::int64_t watermark) {
    if (watermark <= watermark_) return;
    watermark_ = watermark;
    while (!open_.empty() && open_.begin()->first + size_ <= watermark_) {
      auto node = open_.extract(open_.begin());
      closed_.push_back(EventWindow<T>{node.key(), node.key() + size_, std::move(node.mapped())});
    }
  }

  /// End of the stream: closes every open window. Any record added after this is late.
  void close_all() { advance_watermark(std::numeric_limits<std::int64_t>::max()); }

  /// The windows closed since the last call, in order of start.
  std::vector<EventWindow<T>> take_closed() { return std::exchange(closed_, {}); }

  /// The late records since the last call, in arrival order (late_count() keeps the total).
  std::vector<Timestamped<T>> take_late() { return std::exchange(late_, {}); }

  /// The current watermark, or std::nullopt before any record (and any advance_watermark call).
  std::optional<std::int64_t> watermark() const noexcept {
    if (watermark_ == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    return watermark_;
  }

  /// Records placed in at least one window so far.
  std::uint64_t accepted() const noexcept { return accepted_; }
  /// Records sent to the late side channel so far (take_late() does not reset it).
  std::uint64_t late_count() const noexcept { return late_count_; }
  /// Windows holding records and waiting for the watermark.
  std::size_t open_windows() const noexcept { return open_.size(); }

  /// The start of the newest window that covers `time` (the only one, for tumbling windows): the
  /// largest multiple of slide() not above it. The others start slide() apart before it.
  std::int64_t newest_window_start(std::int64_t time) const noexcept {
    std::int64_t q = time / slide_;
    if (time % slide_ < 0) --q;  // round toward minus infinity, also for negative times
    return q * slide_;
  }

  /// The length of a window.
  std::int64_t size() const noexcept { return size_; }
  /// The distance between the starts of two windows.
  std::int64_t slide() const noexcept { return slide_; }
  /// How far behind the newest event time the watermark stays.
  std::int64_t allowed_lateness() const noexcept { return allowed_lateness_; }

 private:
  std::int64_t size_;
  std::int64_t slide_;
  std::int64_t allowed_lateness_;
  std::int64_t watermark_ = std::numeric_limits<std::int64_t>::min();
  std::optional<std::int64_t> max_time_;
  std::map<std::int64_t, std::vector<Timestamped<T>>> open_;  // by window start, so by end too
  std::vector<EventWindow<T>> closed_;
  std::vector<Timestamped<T>> late_;
  std::uint64_t accepted_ = 0;
  std::uint64_t late_count_ = 0;
};

/// Session windows by event time: records less than `gap` apart belong to one session, and a
/// session ends after `gap` of silence — a user's visit, a burst of sensor activity. Each record
/// opens the interval [time, time + gap); overlapping intervals merge, so an out-of-order record
/// can join two sessions into one. The watermark (highest event time seen minus the allowed
/// lateness) closes a session once it passes the session's end (last record + gap). A record that
/// would start a session the watermark has already passed, and touches no open session, is late:
/// it goes to the side channel, counted. Closed sessions come out in order of start, each as an
/// EventWindow [first record's time, last record's time + gap) with its records in arrival order.
/// Not thread-safe: one stage owns it (lock it yourself to share it).
///
/// **Example**
/// \code
/// streamlab::EventTimeSessions<int> sessions{5, 0};   // 5 time units of silence end a session
/// for (std::int64_t t : {1, 3, 4, 20, 22}) sessions.add(t, 0);   // 20 closes [1, 9)
/// sessions.close_all();                                           // [20, 27)
/// for (const auto& s : sessions.take_closed()) fmt::print("[{}, {})\n", s.start, s.end);
/// \endcode
template <typename T>
class EventTimeSessions {
 public:
  /// Throws std::invalid_argument unless gap > 0 and allowed_lateness >= 0.
  EventTimeSessions(std::int64_t gap, std::int64_t allowed_lateness) : gap_(gap), allowed_lateness_(allowed_lateness) {
    if (gap <= 0) throw std::invalid_argument("EventTimeSessions: gap must be positive");
    if (allowed_lateness < 0) throw std::invalid_argument("EventTimeSessions: allowed lateness must not be negative");
  }

  /// Adds a record to its session (merging sessions it bridges), advances the watermark and closes
  /// the sessions it has passed. Returns what happened to the record.
  Arrival add(std::int64_t time, T value) {
    const bool in_order = !max_time_ || time >= *max_time_;
    // Open sessions overlapping [time, time + gap): sorted and disjoint, so they sit just before
    // the first session that starts at or after time + gap.
    auto first = open_.lower_bound(time + gap_);
    while (first != open_.begin() && std::prev(first)->second.end > time) --first;
    const auto last = open_.lower_bound(time + gap_);
    if (first == last && time + gap_ <= watermark_) {
      late_.push_back(Timestamped<T>{time, std::move(value)});
      ++late_count_;
      if (in_order) advance(time);  // only after advance_watermark() ran ahead of the data
      return Arrival::late;
    }
    EventWindow<T> merged{time, time + gap_, {}};
    for (auto it = first; it != last; ++it) {
      merged.start = std::min(merged.start, it->second.start);
      merged.end = std::max(merged.end, it->second.end);
      for (auto& record : it->second.records) merged.records.push_back(std::move(record));
    }
    open_.erase(first, last);
    merged.records.push_back(Timestamped<T>{time, std::move(value)});
    const std::int64_t start = merged.start;
    open_.emplace(start, std::move(merged));
    ++accepted_;
    if (in_order) advance(time);
    return in_order ? Arrival::on_time : Arrival::out_of_order;
  }

  /// Raises the watermark (never lowers it) and closes the sessions it passes.
  void advance_watermark(std::int64_t watermark) {
    if (watermark <= watermark_) return;
    watermark_ = watermark;
    while (!open_.empty() && open_.begin()->second.end <= watermark_) {
      closed_.push_back(std::move(open_.begin()->second));
      open_.erase(open_.begin());
    }
  }
  /// End of the stream: closes every open session. Any record added after this is late.
  void close_all() { advance_watermark(std::numeric_limits<std::int64_t>::max()); }

  /// The sessions closed since the last call, in order of start.
  std::vector<EventWindow<T>> take_closed() { return std::exchange(closed_, {}); }
  /// The late records since the last call, in arrival order.
  std::vector<Timestamped<T>> take_late() { return std::exchange(late_, {}); }
  /// The current watermark, or std::nullopt before any record.
  std::optional<std::int64_t> watermark() const noexcept {
    if (watermark_ == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    return watermark_;
  }
  /// Records placed in a session so far.
  std::uint64_t accepted() const noexcept { return accepted_; }
  /// Records sent to the late side channel so far.
  std::uint64_t late_count() const noexcept { return late_count_; }
  /// Sessions still waiting for the watermark.
  std::size_t open_sessions() const noexcept { return open_.size(); }

 private:
  void advance(std::int64_t time) {
    max_time_ = time;
    advance_watermark(time - allowed_lateness_);
  }

  std::int64_t gap_;
  std::int64_t allowed_lateness_;
  std::int64_t watermark_ = std::numeric_limits<std::int64_t>::min();
  std::optional<std::int64_t> max_time_;
  std::map<std::int64_t, EventWindow<T>> open_;  // by start; open sessions never overlap
  std::vector<EventWindow<T>> closed_;
  std::vector<Timestamped<T>> late_;
  std::uint64_t accepted_ = 0;
  std::uint64_t late_count_ = 0;
};

}  // namespace streamlab
