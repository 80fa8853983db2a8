// Tests of exercise 09.2, ending a pipeline of threads (exercises/09_complete_pipeline/2_pipeline_shutdown.hpp).
// Run them with: scripts/exercise 09.2
//
// A pipeline that does not end hangs for ever, so each run has a guard of real time: if
// run_pipeline has not returned after 2 s, the test counts it as hung, closes both queues itself
// (which ends every push and pop, so the threads can return) and fails. A right answer ends in
// milliseconds; only a wrong one waits for the guard.
#include "2_pipeline_shutdown.hpp"

#include "streamlab/bounded_queue.hpp"
#include "streamlab/stage_group.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using exercise::run_pipeline;
using exercise::Work;
using namespace std::chrono_literals;

namespace {
// The items 0, 1, ..., count − 1, counting how many were read.
struct Input {
  int count;
  std::atomic<int> read{0};
  std::optional<int> next() {
    if (read.load() == count) return std::nullopt;
    return read++;
  }
};

struct Run {
  bool ended = false;  // run_pipeline returned within the guard
  std::optional<streamlab::StageFailure> failure;
};

// Runs run_pipeline on queues of 4 on a thread of its own, with a guard of 2 s.
Run run_guarded(const Work& work) {
  streamlab::BoundedQueue<int> items{4};
  streamlab::BoundedQueue<int> results{4};
  Run run;
  std::mutex mutex;
  std::condition_variable done;
  bool returned = false;
  std::thread runner([&] {
    auto failure = run_pipeline(work, items, results);
    std::lock_guard lock{mutex};
    run.failure = std::move(failure);
    returned = true;
    done.notify_all();
  });
  {
    std::unique_lock lock{mutex};
    run.ended = done.wait_for(lock, 2s, [&] { return returned; });
  }
  if (!run.ended) {  // unblock every stage, so that the threads can end and the test can fail
    items.close();
    results.close();
  }
  runner.join();
  return run;
}
}  // namespace

TEST_CASE("pipeline: 1000 items go through transform and sink, in order, and the run ends with no failure") {
  Input input{1000};
  std::vector<int> written;  // only the sink's thread writes it; read after the run
  const Work work{[&] { return input.next(); }, [](int x) { return x * 2; }, [&](int r) { written.push_back(r); }};
  const Run run = run_guarded(work);
  CHECK(run.ended);
  CHECK(run.failure.has_value() == false);
  std::vector<int> expected;
  for (int i = 0; i < 1000; ++i) expected.push_back(2 * i);
  CHECK(written == expected);
}

TEST_CASE("pipeline: an empty input ends the run at once, with nothing written") {
  Input input{0};
  int writes = 0;
  const Work work{[&] { return input.next(); }, [](int x) { return x; }, [&](int) { ++writes; }};
  const Run run = run_guarded(work);
  CHECK(run.ended);
  CHECK(run.failure.has_value() == false);
  CHECK(writes == 0);
}

TEST_CASE("pipeline: a transform that throws at item 100 ends the run, reports it, and the source stops reading") {
  Input input{1000000};
  std::atomic<int> writes{0};
  const Work work{[&] { return input.next(); },
                  [](int x) {
                    if (x == 100) throw std::runtime_error("item 100 is bad");
                    return x;
                  },
                  [&](int) { ++writes; }};
  const Run run = run_guarded(work);
  CHECK(run.ended);
  REQUIRE(run.failure.has_value());
  CHECK(run.failure->stage == "transform");
  CHECK(run.failure->message == "item 100 is bad");
  CHECK(writes.load() <= 100);
  // Its pushes say `closed` once the pipeline stops: the source must not read the other 999,900.
  CHECK(input.read.load() < 1000);
}

TEST_CASE("pipeline: a sink that throws stops the transform and the source, blocked on full queues") {
  Input input{1000000};
  int writes = 0;
  const Work work{[&] { return input.next(); }, [](int x) { return x; },
                  [&](int) {
                    if (++writes == 50) throw std::runtime_error("disk full");
                  }};
  const Run run = run_guarded(work);
  CHECK(run.ended);
  REQUIRE(run.failure.has_value());
  CHECK(run.failure->stage == "sink");
  CHECK(run.failure->message == "disk full");
  CHECK(input.read.load() < 1000);
}

TEST_CASE("pipeline: a source that throws ends the run too") {
  std::atomic<int> reads{0};
  std::vector<int> written;
  const Work work{[&]() -> std::optional<int> {
                    if (reads.load() == 10) throw std::runtime_error("input file unreadable");
                    return reads++;
                  },
                  [](int x) { return x; }, [&](int r) { written.push_back(r); }};
  const Run run = run_guarded(work);
  CHECK(run.ended);
  REQUIRE(run.failure.has_value());
  CHECK(run.failure->stage == "source");
  CHECK(written.size() <= 10);
}
