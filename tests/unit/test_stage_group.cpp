// Tests of StageGroup: stages run, the first failure is recorded and shuts the rest down.
#include "streamlab/bounded_queue.hpp"
#include "streamlab/cpu_time.hpp"
#include "streamlab/stage_group.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <vector>

using streamlab::BoundedQueue;
using streamlab::StageGroup;

TEST_CASE("stages that succeed run to the end and no failure is recorded") {
  BoundedQueue<int> queue{4};
  long sum = 0;
  {
    StageGroup stages;
    stages.on_failure([&] { queue.close(); });
    stages.run("source", [&] {
      for (int i = 1; i <= 1000; ++i) queue.push(i);
      queue.close();
    });
    stages.run("sink", [&] {
      while (auto item = queue.pop()) sum += *item;
    });
    stages.join();
    CHECK_FALSE(stages.failed());
    CHECK_FALSE(stages.failure().has_value());
  }
  CHECK(sum == 500500);
}

TEST_CASE("a failing consumer stops a producer blocked on a full queue") {
  BoundedQueue<int> queue{2};
  std::atomic<int> pushed{0};
  StageGroup stages;
  stages.on_failure([&] { queue.close(); });
  stages.run("source", [&] {
    // Never closes by itself: it ends only because the failure closes the queue.
    for (;;) {
      if (queue.push(1) == streamlab::PushResult::closed) return;
      ++pushed;
    }
  });
  stages.run("sink", [&] {
    queue.pop();
    throw std::runtime_error("disk full");
  });
  stages.join();
  REQUIRE(stages.failed());
  CHECK(stages.failure()->stage == "sink");
  CHECK(stages.failure()->message == "disk full");
  CHECK(queue.closed());
}

TEST_CASE("a failing producer stops a consumer waiting on an empty queue") {
  BoundedQueue<int> first{2};
  BoundedQueue<int> second{2};
  int seen = 0;
  StageGroup stages;
  stages.on_failure([&] {
    first.close();
    second.close();
  });
  stages.run("middle", [&] {
    while (auto item = first.pop()) second.push(*item);
    second.close();
  });
  stages.run("sink", [&] {
    while (second.pop()) ++seen;
  });
  stages.run("source", [&] {
    first.push(1);
    throw std::logic_error("bad input");
  });
  stages.join();
  REQUIRE(stages.failure().has_value());
  CHECK(stages.failure()->stage == "source");
  CHECK(seen <= 1);
}

TEST_CASE("only the first failure is kept and the stop functions run once") {
  BoundedQueue<int> gate{1};
  int stops = 0;
  StageGroup stages;
  stages.on_failure([&] {
    ++stops;  // runs on the failing thread, once
    gate.close();
  });
  stages.run("first", [&] { throw std::runtime_error("first"); });
  stages.join();
  // The second stage starts only after the first has failed, so the order is certain.
  stages.run("second", [&] { throw std::runtime_error("second"); });
  stages.join();
  CHECK(stops == 1);
  CHECK(stages.failure()->stage == "first");
  CHECK(stages.failure()->message == "first");
}

TEST_CASE("an exception that is not a std::exception is reported as unknown") {
  StageGroup stages;
  stages.run("odd", [] { throw 42; });
  stages.join();
  REQUIRE(stages.failed());
  CHECK(stages.failure()->message == "unknown exception");
}

TEST_CASE("join is harmless twice and with no stages") {
  StageGroup stages;
  stages.join();
  stages.run("quick", [] {});
  stages.join();
  stages.join();
  CHECK_FALSE(stages.failed());
}

TEST_CASE("cpu_times counts all the CPU time of each stage's threads, added up under one name") {
  // No timing threshold: each thread reads its own CPU clock as its body ends, and the group reads
  // the same clock later (when the thread ends), so the group's figure can only be as large or
  // larger. Each body does a little work first, so that what it reads is more than zero.
  const auto work_a_little = [] {
    const auto start = streamlab::thread_cpu_time();
    while (streamlab::thread_cpu_time() == start) {
    }
  };
  std::mutex mutex;
  std::vector<std::chrono::nanoseconds> seen_by_workers;  // each worker's own reading at its end
  StageGroup stages;
  for (int i = 0; i < 2; ++i) {
    stages.run("worker", [&] {
      work_a_little();
      const auto used = streamlab::thread_cpu_time();
      std::lock_guard lock(mutex);
      seen_by_workers.push_back(used);
    });
  }
  stages.run("quiet", [] {});
  std::chrono::nanoseconds seen_by_failing{};
  stages.run("failing", [&] {
    work_a_little();
    seen_by_failing = streamlab::thread_cpu_time();
    throw std::runtime_error("late failure");
  });
  stages.join();

  const auto times = stages.cpu_times();
  REQUIRE(times.size() == 3);  // one entry per name, in the order first run
  CHECK(times[0].stage == "worker");
  CHECK(times[1].stage == "quiet");
  CHECK(times[2].stage == "failing");
  REQUIRE(seen_by_workers.size() == 2);
  CHECK(seen_by_workers[0] > std::chrono::nanoseconds::zero());
  CHECK(seen_by_workers[1] > std::chrono::nanoseconds::zero());
  CHECK(times[0].cpu >= seen_by_workers[0] + seen_by_workers[1]);  // both threads, added
  CHECK(times[2].cpu >= seen_by_failing);                          // a stage that throws is counted too
  CHECK(seen_by_failing > std::chrono::nanoseconds::zero());
}

TEST_CASE("cpu_times is empty before any stage runs, and a name run again adds to its entry") {
  StageGroup stages;
  CHECK(stages.cpu_times().empty());
  stages.run("again", [] {});
  stages.join();
  const auto first = stages.cpu_times();
  REQUIRE(first.size() == 1);
  stages.run("again", [] {});
  stages.join();
  const auto second = stages.cpu_times();
  REQUIRE(second.size() == 1);
  CHECK(second[0].cpu >= first[0].cpu);
}
