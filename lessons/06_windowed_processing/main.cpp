// Lesson 06 · Windowed Processing — look at a stream through windows: sliding and tumbling windows
// of the last N items in a fixed ring buffer, a moving average, and event-time windows (tumbling
// and session) that wait for out-of-order data until a watermark says it is complete.
//
// Run:    scripts/run-lessons 6        (or build/release/lessons/06_windowed_processing --help)
// Golden: expected_output/06_windowed_processing.txt
#include "streamlab/chart.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/event_time.hpp"
#include "streamlab/generator.hpp"
#include "streamlab/output.hpp"
#include "streamlab/random.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/window.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <ranges>
#include <string>
#include <vector>

namespace {

struct Options {
  std::int64_t count = 20;
  std::int64_t window = 5;
  std::int64_t stride = 2;
  std::int64_t show = 4;
  std::int64_t average_over = 10;
  std::int64_t lateness = 3;
  std::uint64_t seed = 42;
  streamlab::ChartOptions charts;
};

/// The numbers 0, 1, ..., n - 1, one at a time: a single-pass stream, like data from a socket.
streamlab::Generator<std::int64_t> count_up(std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) co_yield i;
}

/// `[0, 1, 2]`, or `[0, 1, ..., 99]` when there are too many values to print them all.
std::string list_of_numbers(std::int64_t n) {
  if (n <= 30) return fmt::format("[{}]", fmt::join(std::views::iota(std::int64_t{0}, n), ", "));
  return fmt::format("[0, 1, ..., {}]", n - 1);
}

// Notice: the windows come from a generator that is read once, item by item. The ring buffer
// keeps only the last `window` items, and each window is a view into it: nothing is copied.
void sliding_window(const Options& options) {
  streamlab::section("Windowed Processing");
  fmt::print("Sliding window (size={}, stride={}):\n", options.window, options.stride);
  fmt::print("Data: {}\n\n", list_of_numbers(options.count));
  //! [sliding]
  const auto size = static_cast<std::size_t>(options.window);
  const auto stride = static_cast<std::size_t>(options.stride);
  std::int64_t windows = 0;
  for (streamlab::Window<std::int64_t> window : streamlab::sliding_windows(count_up(options.count), size, stride)) {
    if (windows < options.show) fmt::print("  Window {}: [{}]\n", windows, fmt::join(window, ", "));
    ++windows;
  }
  //! [sliding]
  if (windows > options.show) fmt::print("  ...\n");
  fmt::print("\nTotal windows: {}\n", windows);
  fmt::print("Use cases: Time series analysis, sequence modeling\n");
  fmt::print("\nMemory: a ring buffer of the last {} items ({} slots: each item is written twice, so that\n",
             options.window, 2 * options.window);
  fmt::print("the window is always one contiguous run), whatever the length of the stream. Each window\n");
  fmt::print("is a view into it (std::span), never a copy.\n");
}

// Notice: tumbling windows are sliding windows whose stride equals their size; the only choice
// left is what to do with the items at the end that do not fill a window.
void tumbling_windows(const Options& options) {
  streamlab::section("Tumbling windows");
  const std::int64_t count = options.count + 2;  // two items more, so the last window is short
  const auto size = static_cast<std::size_t>(options.window);
  fmt::print("Tumbling windows (size={}, stride={}) over {}:\n", size, size, list_of_numbers(count));
  //! [tumbling]
  std::int64_t full = 0;
  for (auto window : streamlab::tumbling_windows(count_up(count), size)) {
    if (full < options.show) fmt::print("  Window {}: [{}]\n", full, fmt::join(window, ", "));
    ++full;
  }
  std::int64_t kept = 0;
  std::string last;
  for (auto window : streamlab::tumbling_windows(count_up(count), size, streamlab::Tail::keep)) {
    ++kept;
    last = fmt::format("[{}]", fmt::join(window, ", "));
  }
  //! [tumbling]
  if (full > options.show) fmt::print("  ...\n");
  fmt::print("\nTail::drop (the default): {} windows; items that never fill a window are left out\n", full);
  fmt::print("Tail::keep: {} windows; the last one is {}\n", kept, last);
}

// Notice: the average over the last readings follows the slow signal and removes most of the
// noise; it lags behind by about half a window, which is why it is compared with the signal at
// the window's centre. An exponentially weighted mean does the same with no window at all.
void moving_average(const Options& options) {
  streamlab::section("Moving average of a noisy signal");
  constexpr int readings = 120;
  constexpr double period = 100.0;
  const auto size = static_cast<std::size_t>(options.average_over);
  auto signal = [](double t) { return 10.0 * std::sin(2.0 * std::numbers::pi * t / period); };
  fmt::print("{} readings of 10·sin(2πt/{:.0f}) plus normal(0, 3) noise; average over the last {}:\n\n", readings,
             period, size);

  std::vector<double> noisy;
  streamlab::Random rng{options.seed};
  for (int t = 0; t < readings; ++t) noisy.push_back(signal(t) + rng.normal(0.0, 3.0));

  fmt::print("      t   reading   average   EWMA(0.2)   signal at the window's centre\n");
  streamlab::OnlineStats raw_error;
  streamlab::OnlineStats averaged_error;
  streamlab::ExponentialMovingAverage ewma{0.2};
  std::vector<double> ts, averages, ewmas;  // for the chart: each value at its newest reading's t
  std::size_t last = size - 1;              // index of the newest reading in the current window
  //! [average]
  for (auto window : streamlab::sliding_windows(std::views::all(noisy), size, 1)) {
    const double average = std::accumulate(window.begin(), window.end(), 0.0) / static_cast<double>(window.size());
    const double centre = static_cast<double>(last) - static_cast<double>(size - 1) / 2.0;
    //! [average]
    raw_error.add(noisy[last] - signal(static_cast<double>(last)));
    averaged_error.add(average - signal(centre));
    if (last == size - 1) {
      for (std::size_t i = 0; i < size; ++i) ewma.add(noisy[i]);  // the EWMA has seen the same readings
    } else {
      ewma.add(noisy[last]);
    }
    ts.push_back(static_cast<double>(last));
    averages.push_back(average);
    ewmas.push_back(ewma.value());
    if ((last + 1) % 20 == 0) {
      fmt::print("  {:5}   {:7.2f}   {:7.2f}   {:9.2f}   {:9.2f}\n", last, noisy[last], average, ewma.value(),
                 signal(centre));
    }
    ++last;
  }
  auto rms = [](const streamlab::OnlineStats& error) {
    return std::sqrt(error.population_variance() + error.mean() * error.mean());
  };
  fmt::print("\nRMS error of a single reading:      {:.2f}\n", rms(raw_error));
  fmt::print("RMS error of the {}-reading average: {:.2f}\n", size, rms(averaged_error));

  // The same run as a picture: the average follows the signal about half a window late.
  std::vector<double> all_t, signals;
  for (int t = 0; t < readings; ++t) all_t.push_back(t), signals.push_back(signal(t));
  if (options.charts.draw) {
    streamlab::LineChart chart{"t (reading number)", "value", 80, 16};
    chart.add_points("reading", all_t, noisy);
    chart.add_line("signal", all_t, signals);
    chart.add_line("EWMA(0.2)", ts, ewmas);
    chart.add_line(fmt::format("average of {}", size), ts, averages);
    fmt::print("\n{}", chart.render());
  }
  if (!options.charts.plot_data_dir.empty()) {
    streamlab::write_columns_csv(options.charts.plot_data_dir / "06_readings.csv", {"t", "reading", "signal"},
                                 {all_t, noisy, signals});
    streamlab::write_columns_csv(options.charts.plot_data_dir / "06_averages.csv", {"t", "average", "ewma"},
                                 {ts, averages, ewmas});
  }
}

/// One event of a click stream: when it happened (seconds) and the order it arrived in.
struct Event {
  std::int64_t time;
  int arrival;
};

std::string describe(streamlab::Arrival arrival) {
  switch (arrival) {
    case streamlab::Arrival::on_time:
      return "on time";
    case streamlab::Arrival::out_of_order:
      return "out of order";
    case streamlab::Arrival::late:
      return "LATE";
  }
  return "?";
}

// Notice: a window is not finished when its last second has passed on the wall clock, but when
// the watermark says no more of its events are coming. Out-of-order events within the allowed
// lateness still count; a later one goes to the side channel, counted, not silently lost.
void event_time_windows(const Options& options) {
  streamlab::section("Event-time windows");
  const std::int64_t size = 10;
  fmt::print("Click events arrive out of order (network delays). Tumbling windows of {} s by event time;\n", size);
  fmt::print("watermark = highest event time seen − {} s (allowed lateness); a window closes once\n", options.lateness);
  fmt::print("the watermark reaches its end.\n\n");
  // Event times in the order the events arrive.
  const std::vector<std::int64_t> arrivals{1, 3, 2, 7, 11, 5, 14, 9, 18, 22, 16, 25, 21, 31};

  //! [event_time]
  auto windows = streamlab::EventTimeWindows<Event>::tumbling(size, options.lateness);
  auto print_closed = [&windows] {
    for (const auto& window : windows.take_closed()) {
      std::vector<std::int64_t> times;
      for (const auto& record : window.records) times.push_back(record.time);
      fmt::print("      window [{}, {}) closed: {} click{}, at t = {}\n", window.start, window.end, times.size(),
                 times.size() == 1 ? "" : "s", fmt::join(times, ", "));
    }
  };
  int arrival = 0;
  for (std::int64_t time : arrivals) {
    const streamlab::Arrival what = windows.add(time, Event{time, ++arrival});
    const std::int64_t start = windows.newest_window_start(time);
    const std::string where =
        what == streamlab::Arrival::late ? "late side channel" : fmt::format("window [{}, {})", start, start + size);
    fmt::print("  #{:<2}  t = {:>2} s   {:<12}  → {:<18}  watermark {:>3}\n", arrival, time, describe(what), where,
               *windows.watermark());
    print_closed();
  }
  windows.close_all();  // the end of the stream closes what is still open
  fmt::print("  end of stream\n");
  print_closed();
  //! [event_time]

  fmt::print("\nAccepted: {}   Late: {}", windows.accepted(), windows.late_count());
  for (const auto& late : windows.take_late()) fmt::print("   (t = {} s, arrived #{})", late.time, late.value.arrival);
  fmt::print("\nA late event is kept on a side channel, counted, and can be handled there (logged,\n");
  fmt::print("used to correct a published result) — never silently dropped.\n");
}

// Notice: a session has no fixed length — it lasts while clicks keep coming less than the gap
// apart. The out-of-order click at t = 10 s joins the session of t = 12 s and moves its start.
void session_windows(const Options& options) {
  streamlab::section("Session windows");
  const std::int64_t gap = 5;
  const std::vector<std::int64_t> arrivals{1, 2, 4, 12, 10, 13, 30, 33, 3};
  fmt::print("A session ends after {} s without a click (allowed lateness {} s).\n", gap, options.lateness);
  fmt::print("Clicks arrive at t = {} (arrival order):\n", fmt::join(arrivals, ", "));
  //! [sessions]
  streamlab::EventTimeSessions<int> sessions{gap, options.lateness};
  for (std::int64_t time : arrivals) sessions.add(time, 1);
  sessions.close_all();
  for (const auto& session : sessions.take_closed()) {
    std::vector<std::int64_t> times;
    for (const auto& record : session.records) times.push_back(record.time);
    fmt::print("  session [{}, {}): {} click{}, at t = {}\n", session.start, session.end, times.size(),
               times.size() == 1 ? "" : "s", fmt::join(times, ", "));
  }
  //! [sessions]
  fmt::print("Late: {}", sessions.late_count());
  for (const auto& late : sessions.take_late()) fmt::print("   (t = {} s: its session had closed)", late.time);
  fmt::print("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Lesson 06: Windowed processing — sliding and tumbling windows over a stream, a moving average, and "
      "event-time windows.",
      "06_windowed_processing"};
  Options options;
  streamlab::add_count_option(app, "--count", options.count, "items in the stream", std::int64_t{10'000'000});
  streamlab::add_count_option(app, "--window", options.window, "window size, in items", std::int64_t{100});
  streamlab::add_count_option(app, "--stride", options.stride, "items between the starts of two windows",
                              std::int64_t{100});
  app.add_option("--show", options.show, "windows to print before '...'")
      ->check(streamlab::whole_number_in(0, 1000))
      ->capture_default_str();
  streamlab::add_count_option(app, "--average-over", options.average_over, "readings in the moving average",
                              std::int64_t{100});
  app.add_option("--lateness", options.lateness, "allowed lateness of an event, in seconds")
      ->check(streamlab::whole_number_in(0, 100))
      ->capture_default_str();
  streamlab::add_seed_option(app, options.seed, "seed for the noise of the signal");
  streamlab::add_chart_options(app, options.charts);
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;

  streamlab::banner("06 · Windowed Processing");
  sliding_window(options);
  tumbling_windows(options);
  moving_average(options);
  event_time_windows(options);
  session_windows(options);
  streamlab::next_lesson("07_streaming_aggregation");
  return 0;
}
