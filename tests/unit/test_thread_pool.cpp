#include "streamlab/thread_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using streamlab::ThreadPool;

TEST_CASE("submit returns the task's result through a future") {
  ThreadPool pool{2};
  auto answer = pool.submit([] { return 6 * 7; });
  auto text = pool.submit([] { return std::string("streamlab"); });
  CHECK(answer.get() == 42);
  CHECK(text.get() == "streamlab");
  CHECK(pool.size() == 2);
}

TEST_CASE("an exception thrown by a task is rethrown by future.get()") {
  ThreadPool pool{1};
  auto failing = pool.submit([]() -> int { throw std::runtime_error("task failed"); });
  // The worker survives the exception and runs the next task. Waiting for that one first also
  // means the worker has dropped the failed task, so this thread holds the exception's last
  // reference: libstdc++ counts exception references inside its (uninstrumented) runtime, and
  // ThreadSanitizer would otherwise report a race that is not there.
  CHECK(pool.submit([] { return 1; }).get() == 1);
  CHECK_THROWS_WITH(failing.get(), "task failed");
}

TEST_CASE("every submitted task runs exactly once") {
  std::atomic<int> runs{0};
  std::vector<std::future<int>> futures;
  {
    ThreadPool pool{3};
    for (int i = 0; i < 200; ++i)
      futures.push_back(pool.submit([&runs, i] {
        runs.fetch_add(1);
        return i;
      }));
    for (int i = 0; i < 200; ++i) CHECK(futures[static_cast<std::size_t>(i)].get() == i);
  }
  CHECK(runs.load() == 200);
}

TEST_CASE("tasks really run concurrently on different workers") {
  // Each of 3 tasks waits until all 3 have started: with fewer than 3 workers this would hang.
  ThreadPool pool{3};
  std::latch all_started{3};
  std::vector<std::future<void>> futures;
  for (int i = 0; i < 3; ++i) futures.push_back(pool.submit([&all_started] { all_started.arrive_and_wait(); }));
  for (auto& f : futures) f.get();
  SUCCEED("three tasks met at the latch");
}

TEST_CASE("the destructor finishes the queued work before joining") {
  std::atomic<int> runs{0};
  std::latch release{1};
  {
    ThreadPool pool{1};
    pool.post([&release] { release.wait(); });  // keeps the only worker busy while we queue
    for (int i = 0; i < 50; ++i) pool.post([&runs] { runs.fetch_add(1); });
    release.count_down();
  }  // destructor: the 50 queued tasks still run
  CHECK(runs.load() == 50);
}

TEST_CASE("cancel_pending drops the tasks not started, and their futures report a broken promise") {
  std::latch started{1};
  std::latch release{1};
  std::atomic<int> runs{0};
  ThreadPool pool{1};
  auto running = pool.submit([&] {
    started.count_down();
    release.wait();
    return 1;
  });
  started.wait();  // the only worker is now inside the first task: the rest stay queued
  std::vector<std::future<int>> queued;
  for (int i = 0; i < 10; ++i) queued.push_back(pool.submit([&runs] { return runs.fetch_add(1); }));
  CHECK(pool.cancel_pending() == 10);
  release.count_down();
  CHECK(running.get() == 1);  // the running task was not interrupted
  for (auto& f : queued) {
    try {
      f.get();
      FAIL("a cancelled task ran");
    } catch (const std::future_error& error) {
      CHECK(error.code() == std::future_errc::broken_promise);
    }
  }
  CHECK(runs.load() == 0);
}

TEST_CASE("a pool needs at least one thread") { CHECK_THROWS_AS(ThreadPool{0}, std::invalid_argument); }

TEST_CASE("the default size is one worker per hardware thread") {
  ThreadPool pool;
  CHECK(pool.size() == ThreadPool::default_thread_count());
  CHECK(pool.size() >= 1);
}

TEST_CASE("run_pending_task runs a queued task on the calling thread") {
  std::latch started{1};
  std::latch release{1};
  ThreadPool pool{1};
  pool.post([&] {
    started.count_down();
    release.wait();
  });
  started.wait();  // the only worker is busy: the next task stays queued
  auto caller = std::this_thread::get_id();
  auto ran_on = pool.submit([] { return std::this_thread::get_id(); });
  CHECK(pool.run_pending_task());
  CHECK(ran_on.get() == caller);
  CHECK_FALSE(pool.run_pending_task());  // nothing left in the queue
  release.count_down();
}
