// Tests of StageGroup: stages run, the first failure is recorded and shuts the rest down.
#include "streamlab/bounded_queue.hpp"
#include "streamlab/cpu_time.hpp"
#include "streamlab/stage_group.hpp"

#include <catch2/catch.hpp>

#include "sanitized.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
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

namespace {

using streamlab::testing::sanitized;

// Makes the `fail_at`-th thread start from now on (0-based) fail as std::thread does when the
// process is out of threads (std::system_error, EAGAIN), through StageGroup's test seam.
struct ThreadStartFailure {
  static inline std::atomic<int> starts{0};
  static inline int fail_at = 0;
  explicit ThreadStartFailure(int at) {
    starts = 0;
    fail_at = at;
    streamlab::testing::before_stage_thread = [](std::string_view) {
      if (starts++ == fail_at) throw std::system_error(EAGAIN, std::generic_category(), "std::thread");
    };
  }
  ~ThreadStartFailure() { streamlab::testing::before_stage_thread = nullptr; }
  ThreadStartFailure(const ThreadStartFailure&) = delete;
  ThreadStartFailure& operator=(const ThreadStartFailure&) = delete;
};

}  // namespace

TEST_CASE("a thread that cannot start fails the group: the stages already started are stopped and joined", "[faults]") {
  // Issue 18: run() threw, the stages already started stayed blocked on their queues, and the
  // destructor's join() never returned (a hang; with the first thread, std::terminate).
  for (int fail_at = 0; fail_at < 4; ++fail_at) {
    CAPTURE(fail_at);
    BoundedQueue<int> first{2};
    BoundedQueue<int> second{2};
    std::vector<bool> started;
    {
      const ThreadStartFailure failure{fail_at};
      StageGroup stages;
      stages.on_failure([&] {
        first.close();
        second.close();
      });
      started.push_back(stages.run("source", [&] {
        for (int i = 0;; ++i) {  // endless: it ends only because the failure closes the queue
          if (first.push(i) == streamlab::PushResult::closed) return;
        }
      }));
      started.push_back(stages.run("middle", [&] {
        while (auto item = first.pop()) {
          if (second.push(*item) == streamlab::PushResult::closed) return;
        }
        second.close();
      }));
      started.push_back(stages.run("sink", [&] {
        while (second.pop()) {
        }
      }));
      started.push_back(stages.run("monitor", [] {}));
      stages.join();  // returns: the stages started before (and after) the failed one were stopped
      REQUIRE(stages.failed());
      const char* names[] = {"source", "middle", "sink", "monitor"};
      CHECK(stages.failure()->stage == names[fail_at]);
      CHECK(stages.failure()->message.rfind("cannot start a thread: std::thread: ", 0) == 0);
    }
    std::vector<bool> expected(4, true);
    expected[static_cast<std::size_t>(fail_at)] = false;
    CHECK(started == expected);
    CHECK(first.closed());
  }
}

TEST_CASE("a thread that cannot start for want of memory is a failure, not a hang or an abort", "[faults]") {
  // The real thing, not the test seam: a child process whose address space is capped a little above
  // what it uses, so that the stacks of 64 stage threads (8 MiB each) cannot all be made. The
  // child must end by itself with the failure recorded; alarm() turns a hang into a failure here.
  // Sanitizers reserve terabytes of address space: a cap is meaningless under them.
  if (sanitized) {
    WARN("skipped: address-space caps do not work under a sanitizer");
    return;
  }
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::alarm(20);
    long pages = 0;
    if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(statm, "%ld", &pages) != 1) pages = 0;
      std::fclose(statm);
    }
    const rlimit cap{static_cast<rlim_t>(pages) * 4096 + (64u << 20), RLIM_INFINITY};
    if (pages == 0 || ::setrlimit(RLIMIT_AS, &cap) != 0) ::_exit(3);
    BoundedQueue<int> queue{4};
    int code = 4;
    {
      StageGroup stages;
      stages.on_failure([&] { queue.close(); });
      stages.run("source", [&] {
        for (int i = 0;; ++i) {
          if (queue.push(i) == streamlab::PushResult::closed) return;
        }
      });
      for (int w = 0; w < 64; ++w) {
        stages.run("worker", [&] {
          while (queue.pop()) {
          }
        });
      }
      stages.join();
      const auto failure = stages.failure();
      if (failure && failure->stage == "worker" && failure->message.rfind("cannot start a thread: ", 0) == 0) code = 0;
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("the child " << (WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                            : "exited with " + std::to_string(WEXITSTATUS(status))));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
