// Tests of exercise 05.2, an ordered, bounded parallel map (exercises/05_parallel_streaming/2_ordered_map.hpp).
// Run them with: scripts/exercise 05.2
//
// Threads finish in any order, so these tests make the order they need: an item may wait for
// another to start, or for a delivery. Each wait has a guard of real time, so that a wrong answer
// makes a test fail instead of hang. Where a right answer never does what is waited for, the wait
// lasts its whole guard (said where it happens); the outcome never depends on how long it lasts.
#include "2_ordered_map.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using exercise::ordered_parallel_map;
using namespace std::chrono_literals;

namespace {
// What the items and the consumer did, shared between the pool's threads and the test's.
struct Log {
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  int delivered = 0;
  int most_in_flight = 0;  // the most items started and not yet delivered, seen when one started
  std::set<int> running_or_done;
  std::set<int> finished;
  std::vector<int> results;
  bool delivered_on_other_thread = false;

  void start(int item) {
    std::lock_guard lock{mutex};
    ++started;
    most_in_flight = std::max(most_in_flight, started - delivered);
    running_or_done.insert(item);
    changed.notify_all();
  }
  void finish(int item) {
    std::lock_guard lock{mutex};
    finished.insert(item);
    changed.notify_all();
  }
  // Waits until `ready()` holds or the guard runs out; returns whether it holds.
  template <typename Ready>
  bool wait(Ready ready, std::chrono::milliseconds guard) {
    std::unique_lock lock{mutex};
    return changed.wait_for(lock, guard, ready);
  }
  std::function<void(int)> deliverer(std::thread::id caller) {
    return [this, caller](int result) {
      std::lock_guard lock{mutex};
      ++delivered;
      results.push_back(result);
      if (std::this_thread::get_id() != caller) delivered_on_other_thread = true;
      changed.notify_all();
    };
  }
};

std::vector<int> range(int count) {
  std::vector<int> values(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) values[static_cast<std::size_t>(i)] = i;
  return values;
}
}  // namespace

TEST_CASE("ordered map: every result is delivered once, in input order, on the calling thread") {
  streamlab::ThreadPool pool{4};
  Log log;
  const auto square = [&log](int x) {
    log.start(x);
    log.finish(x);
    return x * x;
  };
  ordered_parallel_map(range(200), square, pool, 8, log.deliverer(std::this_thread::get_id()));
  std::vector<int> expected;
  for (int x : range(200)) expected.push_back(x * x);
  CHECK(log.results == expected);
  CHECK_FALSE(log.delivered_on_other_thread);
}

TEST_CASE("ordered map: results stay in input order when a later item finishes first") {
  streamlab::ThreadPool pool{2};
  Log log;
  const auto item = [&log](int x) {
    log.start(x);
    // Item 1 finishes first, and item 0 goes on running until item 1's result has been delivered.
    // A right answer never delivers item 1 first, so here the wait lasts its whole guard (1 s);
    // an answer that delivers results as they finish delivers item 1 at once, and is caught.
    if (x == 0) log.wait([&] { return log.delivered > 0; }, 1000ms);
    log.finish(x);
    return x + 100;
  };
  ordered_parallel_map(range(4), item, pool, 2, log.deliverer(std::this_thread::get_id()));
  CHECK(log.results == std::vector<int>{100, 101, 102, 103});
}

TEST_CASE("ordered map: an item starts while the one before it still runs (max_in_flight 2, 2 threads)") {
  streamlab::ThreadPool pool{2};
  Log log;
  bool second_started_while_first_ran = false;
  const auto item = [&](int x) {
    log.start(x);
    if (x == 0) second_started_while_first_ran = log.wait([&] { return log.running_or_done.count(1) == 1; }, 1000ms);
    log.finish(x);
    return x;
  };
  ordered_parallel_map(range(2), item, pool, 2, log.deliverer(std::this_thread::get_id()));
  CHECK(second_started_while_first_ran);
  CHECK(log.results == std::vector<int>{0, 1});
}

TEST_CASE("ordered map: never more than max_in_flight items started and not yet delivered") {
  streamlab::ThreadPool pool{4};
  Log log;
  constexpr std::size_t max_in_flight = 3;
  const auto item = [&log](int x) {
    log.start(x);
    // Item 0 holds up the delivery of everything after it; meanwhile no more than 3 items may
    // start. A right answer starts exactly 3, so this wait lasts its whole guard (0.3 s); a wrong
    // one starts a 4th at once, and it ends there.
    if (x == 0) log.wait([&] { return log.started > static_cast<int>(max_in_flight); }, 300ms);
    log.finish(x);
    return x;
  };
  ordered_parallel_map(range(40), item, pool, max_in_flight, log.deliverer(std::this_thread::get_id()));
  CHECK(log.most_in_flight <= static_cast<int>(max_in_flight));
  CHECK(log.results == range(40));
}
