// Lesson 08 · Backpressure — keep a fast producer from drowning a slow consumer: bounded buffers
// with overflow policies, rate limiting and adaptive batching, first in exact virtual time, then
// for real.
//
// Run:    scripts/run-lessons 8        (or build/release/lessons/08_backpressure --help)
// Golden: expected_output/08_backpressure.txt
#include "streamlab/adaptive_batcher.hpp"
#include "streamlab/bounded_queue.hpp"
#include "streamlab/chart.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/clock.hpp"
#include "streamlab/cpu_time.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/random.hpp"
#include "streamlab/rate_limiter.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using streamlab::BoundedQueue;
using streamlab::Clock;
using streamlab::OverflowPolicy;

struct Options {
  std::int64_t count = 2000;    // items the producer makes (virtual-time run)
  std::int64_t capacity = 100;  // queue capacity (virtual-time run)
  std::int64_t produce_every_us = 1000;
  std::int64_t consume_us = 2500;   // mean time the consumer spends on one item
  std::int64_t real_count = 200;    // items in the real-time run
  std::int64_t real_capacity = 20;  // (its producer and consumer run twice as fast: see run_for_real)
  std::uint64_t seed = 42;
  streamlab::ChartOptions charts;
};

// Milliseconds since the start of a ManualClock, for printing virtual times.
double ms(Clock::time_point when) { return std::chrono::duration<double, std::milli>(when.time_since_epoch()).count(); }
double ms(Clock::duration span) { return std::chrono::duration<double, std::milli>(span).count(); }

// Notice: each of the seed's three Python snippets is printed as it is, then run in C++ with real
// numbers — the rate limiter and the batcher in virtual time, so the numbers are exact.
void show_seed_techniques() {
  streamlab::section("Backpressure Handling");
  fmt::print("Managing flow control in streams:\n\n");
  fmt::print("1. Buffer with limits:\n");
  fmt::print("   buffer = collections.deque(maxlen=1000)\n");
  fmt::print("   # Automatically drops oldest when full\n\n");
  fmt::print("2. Rate limiting:\n");
  fmt::print("   rate_limiter = RateLimiter(100)  # 100 items/sec\n");
  fmt::print("   for item in stream:\n");
  fmt::print("       rate_limiter.acquire()\n");
  fmt::print("       process(item)\n\n");
  fmt::print("3. Adaptive batching:\n");
  fmt::print("   batch = []\n");
  fmt::print("   for item in stream:\n");
  fmt::print("       batch.append(item)\n");
  fmt::print("       if len(batch) >= batch_size or timeout_reached:\n");
  fmt::print("           process_batch(batch)\n");
  fmt::print("           batch = []\n");
}

std::vector<int> drain(BoundedQueue<int>& buffer) {
  std::vector<int> items;
  buffer.try_pop_many(items, buffer.size());
  return items;
}

// Notice: drop_oldest keeps the newest 1000 and counts every item it threw away; drop_newest
// keeps the oldest; block refuses (or, with push, waits) — nothing is lost silently.
void buffer_with_limits() {
  fmt::print("\n1. Buffer with limits, in C++ — 1500 items pushed into a buffer of 1000:\n");
  //! [buffer]
  BoundedQueue<int> buffer{1000, OverflowPolicy::drop_oldest};
  for (int item = 0; item < 1500; ++item) buffer.push(item);
  //! [buffer]
  const auto stats = buffer.stats();
  const std::vector<int> kept = drain(buffer);
  fmt::print("   drop_oldest: holds {} items ({} to {}), {} oldest dropped\n", kept.size(), kept.front(), kept.back(),
             stats.dropped);

  BoundedQueue<int> newest{1000, OverflowPolicy::drop_newest};
  for (int item = 0; item < 1500; ++item) newest.push(item);
  const auto newest_stats = newest.stats();
  const std::vector<int> kept_newest = drain(newest);
  fmt::print("   drop_newest: holds {} items ({} to {}), {} newest dropped\n", kept_newest.size(), kept_newest.front(),
             kept_newest.back(), newest_stats.dropped);

  BoundedQueue<int> blocking{1000, OverflowPolicy::block};
  int refused = 0;
  for (int item = 0; item < 1500; ++item) {
    if (blocking.try_push(item) == streamlab::PushResult::full) ++refused;
  }
  fmt::print("   block:       holds {} items, {} refused by try_push (push would wait for room)\n", blocking.size(),
             refused);
}

// Notice: on a virtual clock `acquire()` costs no real time, yet the times are exact: one item
// every 10 ms, and a burst lets the first items through at once.
void rate_limiting() {
  fmt::print("\n2. Rate limiting, in C++ — RateLimiter{{100}} on a virtual clock:\n");
  //! [rate]
  streamlab::ManualClock clock{streamlab::ManualClock::Mode::auto_advance};  // virtual time
  streamlab::RateLimiter rate_limiter{100.0, 1, clock};                      // 100 items/s
  std::vector<Clock::time_point> processed_at;
  for (int item = 0; item < 250; ++item) {
    rate_limiter.acquire();  // moves the virtual clock to the next token
    processed_at.push_back(clock.now());
  }
  //! [rate]
  const auto in_first_second = std::count_if(processed_at.begin(), processed_at.end(),
                                             [](Clock::time_point t) { return t < Clock::time_point{} + 1s; });
  fmt::print("   250 items: the first at {:.0f} ms, the second at {:.0f} ms, the last at {:.0f} ms\n",
             ms(processed_at.front()), ms(processed_at[1]), ms(processed_at.back()));
  fmt::print("   processed in the first second: {}\n", in_first_second);

  streamlab::ManualClock burst_clock{streamlab::ManualClock::Mode::auto_advance};
  streamlab::RateLimiter bursty{100.0, 10, burst_clock};  // 100 items/s, bursts of 10
  int at_once = 0;
  int first_second = 0;
  while (burst_clock.now() < Clock::time_point{} + 1s) {
    bursty.acquire();
    if (burst_clock.now() >= Clock::time_point{} + 1s) break;
    ++first_second;
    if (burst_clock.now() == Clock::time_point{}) ++at_once;
  }
  fmt::print("   with a burst of 10: {} at once, {} in the first second\n", at_once, first_second);
}

// Notice: during the burst, batches fill up (cheap per item); in the lull, the timeout hands out
// small batches so that no item waits longer than 50 ms.
void adaptive_batching() {
  fmt::print("\n3. Adaptive batching, in C++ — batch_size 16, timeout 50 ms, on a virtual clock:\n");
  fmt::print("   45 items: 40 arrive 1 ms apart from 0 ms, then 5 arrive 30 ms apart from 100 ms\n");
  std::vector<Clock::time_point> arrivals;
  for (int i = 0; i < 40; ++i) arrivals.push_back(Clock::time_point{} + i * 1ms);
  for (int i = 0; i < 5; ++i) arrivals.push_back(Clock::time_point{} + 100ms + i * 30ms);

  streamlab::ManualClock clock{streamlab::ManualClock::Mode::auto_advance};
  auto process_batch = [&](const std::vector<int>& batch, const char* why) {
    fmt::print("   batch of {:2} (items {:2} to {:2}) at {:3.0f} ms: {}\n", batch.size(), batch.front(), batch.back(),
               ms(clock.now()), why);
  };
  //! [batch]
  streamlab::AdaptiveBatcher<int> batcher{16, 50ms, clock};
  for (int item = 0; item < static_cast<int>(arrivals.size()); ++item) {
    const Clock::time_point arrives = arrivals[static_cast<std::size_t>(item)];
    if (batcher.deadline() <= arrives) {  // timeout_reached before the next item comes
      clock.sleep_until(batcher.deadline());
      process_batch(*batcher.flush_if_due(), "timeout");
    }
    clock.sleep_until(arrives);
    if (auto batch = batcher.add(item)) process_batch(*batch, "full");
  }
  if (auto rest = batcher.flush()) process_batch(*rest, "end of stream");
  //! [batch]
}

// ---------------------------------------------------------------------------------------------

/// The four ways to connect the producer to the consumer.
struct Setup {
  const char* name;
  bool unbounded;
  OverflowPolicy policy;
};
constexpr std::array<Setup, 4> setups{{{"unbounded", true, OverflowPolicy::block},
                                       {"block", false, OverflowPolicy::block},
                                       {"drop_oldest", false, OverflowPolicy::drop_oldest},
                                       {"drop_newest", false, OverflowPolicy::drop_newest}}};

/// What flows through the queue: an id, when it was made, and 1 KiB of payload (a small feature vector).
struct Item {
  std::int64_t id = 0;
  Clock::time_point made{};
  std::vector<float> payload;
};
constexpr std::size_t payload_floats = 256;
constexpr double item_kib = static_cast<double>(payload_floats * sizeof(float)) / 1024.0;

struct RunResult {
  std::uint64_t produced = 0;
  std::uint64_t consumed = 0;
  std::uint64_t dropped = 0;
  std::size_t longest_queue = 0;
  Clock::duration time_taken{};
  Clock::duration longest_wait{};  // the most time an item spent queued before the consumer got it
  std::vector<double> times_ms;    // the queue's length after each instant something happened, for the chart
  std::vector<double> queue_lengths;
};

std::size_t capacity_for(const Setup& setup, std::int64_t capacity) {
  return setup.unbounded ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(capacity);
}

// Time the consumer spends on one item: uniform within ±40% of the mean, from the seeded generator.
Clock::duration service_time(streamlab::Random& rng, std::int64_t mean_us) {
  const std::int64_t spread = mean_us * 2 / 5;
  return std::chrono::microseconds(rng.uniform_int(mean_us - spread, mean_us + spread));
}

//! [simulate]
/// Runs producer and consumer in virtual time, one event at a time, in one thread: the producer
/// makes an item every `produce_every_us` and pushes it (when a blocking push cannot go in, the
/// producer stalls until the consumer takes one); the consumer pops an item whenever it is idle
/// and works on it for its service time. The clock jumps from one event to the next, so two
/// simulated seconds take microseconds and every number is exact.
RunResult simulate(const Setup& setup, const Options& options) {
  streamlab::ManualClock clock;
  BoundedQueue<Item> queue{capacity_for(setup, options.capacity), setup.policy, clock};
  streamlab::Random rng{options.seed};
  const auto produce_every = std::chrono::microseconds(options.produce_every_us);
  const auto never = Clock::time_point::max();

  RunResult result;
  std::int64_t made = 0;
  std::optional<Item> in_hand;                 // made, not yet in the queue (a full blocking queue leaves it here)
  Clock::time_point next_item_at{};            // when the producer makes its next item
  Clock::time_point consumer_free_at = never;  // when the consumer finishes its item (never: idle)
  for (;;) {
    bool progress = true;
    while (progress) {  // everything that happens at this instant, until nothing more does
      progress = false;
      if (consumer_free_at <= clock.now()) {  // the consumer finished an item
        ++result.consumed;
        consumer_free_at = never;
        progress = true;
      }
      if (!in_hand && made < options.count && next_item_at <= clock.now()) {  // the producer makes one
        in_hand = Item{made++, clock.now(), std::vector<float>(payload_floats, 1.0f)};
      }
      // A full blocking queue answers `full` and leaves the item in the producer's hand: it stalls
      // and tries again once the consumer has taken an item. The drop policies never refuse.
      if (in_hand && queue.try_push(std::move(*in_hand)) != streamlab::PushResult::full) {
        in_hand.reset();
        next_item_at = clock.now() + produce_every;
        progress = true;
      }
      if (consumer_free_at == never) {  // an idle consumer takes the oldest item
        if (std::optional<Item> item = queue.try_pop()) {
          result.longest_wait = std::max(result.longest_wait, clock.now() - item->made);
          consumer_free_at = clock.now() + service_time(rng, options.consume_us);
          progress = true;
        }
      }
    }
    result.times_ms.push_back(ms(clock.now()));
    result.queue_lengths.push_back(static_cast<double>(queue.size()));
    // Jump to the next event: the producer's next item or the consumer's next finish.
    Clock::time_point next = consumer_free_at;
    if (!in_hand && made < options.count) next = std::min(next, next_item_at);  // a stalled producer waits
    if (next == never) break;                                                   // nothing left to happen
    clock.advance_to(next);
  }
  const auto stats = queue.stats();
  result.produced = static_cast<std::uint64_t>(made);
  result.dropped = stats.dropped;
  result.longest_queue = stats.high_water;
  result.time_taken = clock.now().time_since_epoch();
  return result;
}
//! [simulate]

// Notice: unbounded loses nothing but holds memory without limit; block holds little and loses
// nothing, but slows the producer to the consumer's pace; the drop policies finish with the
// producer and hold little, but lose items (and count every one). The last column is latency: with
// no bound, an item waits for everything queued ahead of it.
void compare_policies_in_virtual_time(const Options& options) {
  streamlab::section("A fast producer and a slow consumer, in virtual time");
  fmt::print("Producer: {} items, one every {:.1f} ms. Consumer: {:.1f} ms per item on average.\n", options.count,
             static_cast<double>(options.produce_every_us) / 1000.0, static_cast<double>(options.consume_us) / 1000.0);
  fmt::print("Queue capacity {} (except unbounded); each item holds {:.0f} KiB.\n\n", options.capacity, item_kib);
  fmt::print("  {:<12} {:>8} {:>8} {:>8} {:>9} {:>11} {:>9} {:>12}\n", "policy", "produced", "consumed", "dropped",
             "longest", "memory", "time", "longest wait");
  fmt::print("  {:<12} {:>8} {:>8} {:>8} {:>9} {:>11} {:>9} {:>12}\n", "", "", "", "", "queue", "held", "taken",
             "in queue");
  streamlab::LineChart chart{"virtual time (ms)", "items in the queue", 72, 12};
  std::vector<std::vector<double>> plot_columns;
  for (const Setup& setup : setups) {
    const RunResult r = simulate(setup, options);
    chart.add_line(setup.name, r.times_ms, r.queue_lengths);
    plot_columns.push_back(r.times_ms);
    plot_columns.push_back(r.queue_lengths);
    fmt::print("  {:<12} {:>8} {:>8} {:>8} {:>9} {:>7.0f} KiB {:>7.3f} s {:>10.3f} s\n", setup.name, r.produced,
               r.consumed, r.dropped, r.longest_queue, static_cast<double>(r.longest_queue) * item_kib,
               ms(r.time_taken) / 1000.0, ms(r.longest_wait) / 1000.0);
  }
  fmt::print("\nproduced = consumed + dropped in every row; nothing is lost without being counted.\n");
  // The queue over time: unbounded grows while the producer runs, then drains; the bounded ones sit
  // at their capacity until the producer stops (drop_newest, drawn last, covers drop_oldest there).
  if (options.charts.draw) fmt::print("\n{}", chart.render());
  if (!options.charts.plot_data_dir.empty()) {
    for (std::size_t i = 0; i < setups.size(); ++i) {
      streamlab::write_columns_csv(options.charts.plot_data_dir / fmt::format("08_queue_{}.csv", setups[i].name),
                                   {"time_ms", "queue_length"}, {plot_columns[2 * i], plot_columns[2 * i + 1]});
    }
  }
}

// ---------------------------------------------------------------------------------------------

// Real time is slow: the real-time run uses fewer items and these fixed speeds (the virtual-time
// defaults, twice as fast), so that it stays well under a second.
constexpr std::int64_t real_produce_every_us = 500;
constexpr std::int64_t real_consume_us = 1250;

//! [real]
/// The same producer and consumer as two real threads on the steady clock: blocking push and pop,
/// real sleeps standing in for the work.
RunResult run_for_real(const Setup& setup, const Options& options) {
  Clock& clock = streamlab::SteadyClock::instance();
  BoundedQueue<Item> queue{capacity_for(setup, options.real_capacity), setup.policy};
  const auto produce_every = std::chrono::microseconds(real_produce_every_us);
  const std::int64_t consume_us = real_consume_us;
  const Clock::time_point start = clock.now();
  RunResult result;
  std::thread producer([&] {
    for (std::int64_t id = 0; id < options.real_count; ++id) {
      queue.push(Item{id, clock.now(), std::vector<float>(payload_floats, 1.0f)});
      clock.sleep_for(produce_every);
    }
    queue.close();  // the end of the stream: the consumer drains what is left, then stops
  });
  streamlab::Random rng{options.seed};
  while (std::optional<Item> item = queue.pop()) {
    result.longest_wait = std::max(result.longest_wait, clock.now() - item->made);
    clock.sleep_for(service_time(rng, consume_us));
    ++result.consumed;
  }
  producer.join();
  //! [real]
  const auto stats = queue.stats();
  result.produced = stats.pushed;
  result.dropped = stats.dropped;
  result.longest_queue = stats.high_water;
  result.time_taken = clock.now() - start;
  return result;
}

// Notice: the same shape as the virtual-time table, but every number now depends on the machine
// (sleeps overshoot, threads get scheduled late), so each is printed as a measured line.
void compare_policies_in_real_time(const Options& options) {
  streamlab::section("The same comparison in real time");
  fmt::print("Producer: {} items, one every {:.2f} ms. Consumer: {:.2f} ms per item on average. Capacity {}.\n",
             options.real_count, static_cast<double>(real_produce_every_us) / 1000.0,
             static_cast<double>(real_consume_us) / 1000.0, options.real_capacity);
  for (const Setup& setup : setups) {
    const RunResult r = run_for_real(setup, options);
    fmt::print("{}:\n", setup.name);
    streamlab::measured("Consumed", static_cast<double>(r.consumed), "items", 0, 4);
    streamlab::measured("Dropped", static_cast<double>(r.dropped), "items", 0, 4);
    streamlab::measured("Longest queue", static_cast<double>(r.longest_queue), "items", 0, 4);
    streamlab::measured("Time taken", ms(r.time_taken), "ms", 1, 4);
    streamlab::measured("Longest wait in queue", ms(r.longest_wait), "ms", 1, 4);
  }
}

// ---------------------------------------------------------------------------------------------

// Notice: the blocked consumer's thread used a tiny fraction of the wait in CPU time; a consumer
// that polls with try_pop burns a whole core for the same wait.
void blocked_thread_cpu() {
  streamlab::section("A blocked consumer uses (almost) no CPU");
  constexpr auto wait = 100ms;
  fmt::print("A consumer waits {} ms for an item, first blocked in pop(), then polling try_pop() in a loop.\n",
             wait.count());
  //! [cpu]
  BoundedQueue<int> queue{16};
  std::chrono::nanoseconds blocked_cpu{};
  std::thread consumer([&] {
    const auto before = streamlab::thread_cpu_time();
    queue.pop();  // sleeps on a condition variable until the push below
    blocked_cpu = streamlab::thread_cpu_time() - before;
  });
  std::this_thread::sleep_for(wait);
  queue.push(1);
  consumer.join();
  //! [cpu]

  std::chrono::nanoseconds polling_cpu{};
  std::thread poller([&] {
    const auto before = streamlab::thread_cpu_time();
    while (!queue.try_pop()) {
    }  // busy waiting: what BoundedQueue never does
    polling_cpu = streamlab::thread_cpu_time() - before;
  });
  std::this_thread::sleep_for(wait);
  queue.push(2);
  poller.join();
  streamlab::measured("CPU time of the blocked consumer", ms(blocked_cpu), "ms", 3);
  streamlab::measured("CPU time of the polling consumer", ms(polling_cpu), "ms", 3);
}

// Notice: close() is how a pipeline shuts down — every blocked consumer wakes, what was queued
// is still delivered, and each consumer sees the end of the stream.
void closing_a_queue() {
  streamlab::section("Ending a stream: close()");
  //! [close]
  BoundedQueue<int> queue{16};
  std::atomic<int> items_taken{0};
  std::atomic<int> consumers_ended{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c) {
    consumers.emplace_back([&] {
      while (queue.pop()) ++items_taken;  // ends when the queue is closed and empty
      ++consumers_ended;                  // this consumer saw the end of the stream
    });
  }
  for (int item = 0; item < 5; ++item) queue.push(item);
  queue.close();  // wakes every consumer still waiting
  for (auto& consumer : consumers) consumer.join();
  //! [close]
  fmt::print("3 consumers, 5 items, then close(): {} items taken, {} consumers ended, push after close: {}\n",
             items_taken.load(), consumers_ended.load(),
             queue.push(99) == streamlab::PushResult::closed ? "refused" : "taken");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lesson 08: Backpressure — bounded queues with overflow policies, rate limiting and adaptive batching.",
               "08_backpressure"};
  Options options;
  streamlab::add_count_option(app, "--count", options.count, "items the producer makes (virtual time)",
                              std::int64_t{100'000});
  streamlab::add_count_option(app, "--capacity", options.capacity, "queue capacity (virtual time)",
                              std::int64_t{1'000'000});
  streamlab::add_count_option(app, "--produce-every-us", options.produce_every_us,
                              "microseconds between two items from the producer", std::int64_t{1'000'000});
  streamlab::add_count_option(app, "--consume-us", options.consume_us,
                              "mean microseconds the consumer spends on one item", std::int64_t{1'000'000});
  streamlab::add_count_option(app, "--real-count", options.real_count, "items in the real-time run",
                              std::int64_t{2'000});
  streamlab::add_count_option(app, "--real-capacity", options.real_capacity, "queue capacity in the real-time run",
                              std::int64_t{2'000});
  streamlab::add_seed_option(app, options.seed, "seed for the consumer's work times");
  streamlab::add_chart_options(app, options.charts);
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;

  streamlab::banner("08 · Backpressure");
  show_seed_techniques();
  buffer_with_limits();
  rate_limiting();
  adaptive_batching();
  compare_policies_in_virtual_time(options);
  compare_policies_in_real_time(options);
  blocked_thread_cpu();
  closing_a_queue();
  streamlab::next_lesson("09_complete_pipeline");
  return 0;
}
