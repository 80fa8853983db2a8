// Tests of StageGroup: stages run, the first failure is recorded and shuts the rest down.
#include "streamlab/bounded_queue.hpp"
#include "streamlab/cpu_time.hpp"
#include "streamlab/stage_group.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>

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

TEST_CASE("cpu_times adds up the CPU time of each stage's threads, waiting excluded") {
  using namespace std::chrono_literals;
  // Work that takes a known amount of CPU time: spin until the thread's own CPU clock has moved 20 ms.
  const auto burn_20ms = [] {
    const auto start = streamlab::thread_cpu_time();
    while (streamlab::thread_cpu_time() - start < 20ms) {
    }
  };
  BoundedQueue<int> queue{4};
  std::atomic<int> working{2};
  StageGroup stages;
  stages.on_failure([&] { queue.close(); });
  stages.run("waiter", [&] {
    while (queue.pop()) {  // asleep until the workers push, and until the last one closes the queue
    }
  });
  for (int i = 0; i < 2; ++i) {
    stages.run("worker", [&] {
      burn_20ms();
      queue.push(1);
      if (--working == 0) queue.close();
    });
  }
  stages.join();
  REQUIRE_FALSE(stages.failed());
  auto times = stages.cpu_times();
  REQUIRE(times.size() == 2);  // one entry per name, in the order first run
  CHECK(times[0].stage == "waiter");
  CHECK(times[0].cpu < 20ms);  // waiting on the queue costs (next to) nothing
  CHECK(times[1].stage == "worker");
  CHECK(times[1].cpu >= 40ms);  // two threads under one name

  stages.run("failing", [&] {
    burn_20ms();
    throw std::runtime_error("late failure");
  });
  stages.join();
  times = stages.cpu_times();
  REQUIRE(times.size() == 3);
  CHECK(times[2].stage == "failing");
  CHECK(times[2].cpu >= 20ms);  // a stage that throws is counted too
}
