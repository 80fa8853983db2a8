// StageGroup: runs the stages of a concurrent pipeline on threads, and shuts them all down when one fails.
#pragma once

#include "streamlab/cpu_time.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace streamlab {

namespace testing {
/// Test seam, not for programs: when set, StageGroup::run calls it with the stage's name just
/// before starting the stage's thread, and an exception from it counts as the thread failing to
/// start — what std::thread does when the process is out of threads or memory (std::system_error,
/// EAGAIN). Tests use it to check that a program reports that failure and never hangs. Set it only
/// while no StageGroup is running.
inline void (*before_stage_thread)(std::string_view stage) = nullptr;
}  // namespace testing

/// The first stage of a StageGroup that threw: its name and the exception's message.
struct StageFailure {
  std::string stage;    ///< the name given to StageGroup::run
  std::string message;  ///< what() of the exception, or "unknown exception"
};

/// The CPU time one stage of a StageGroup used: all its threads (a pool of workers run under one
/// name), from each thread's start to its end.
struct StageCpuTime {
  std::string stage;               ///< the name given to StageGroup::run
  std::chrono::nanoseconds cpu{};  ///< CPU time, not wall-clock time: waiting on a queue is not counted
};

/// Runs each stage of a pipeline on a thread of its own, catches what a stage throws, and stops
/// the rest of the pipeline when one fails.
///
/// - `on_failure(stop)` registers what to do when a stage fails — typically close every queue
///   of the pipeline, so that each stage's pushes and pops end and every thread returns. The stop
///   functions run once, on the thread of the first stage that fails, just after its exception
///   is recorded as failure(); a later failure is ignored (it is usually a consequence).
/// - `run(name, body)` starts `body` on a new thread. A stage ends normally by returning (after
///   closing its output queue, so the next stage drains and ends too). When the thread cannot be
///   started (std::thread throws std::system_error when the process is out of threads or memory),
///   the group fails as if that stage had thrown at once: failure() names it ("cannot start a
///   thread: ..."), the stop functions run, so the stages already started end, and run() returns
///   false instead of throwing — the owner joins and reports the failure as for any other.
/// - `join()` (also called by the destructor) waits for every thread: no stage outlives the group.
/// - `cpu_times()` says, after join(), how much CPU time each stage's threads used: where a
///   pipeline's time goes.
///
/// The group does not cancel anything by itself: a stage blocked outside the queues (in a read,
/// say) ends only when that call returns. Register on_failure before the first run().
/// Thread-safe: stages may call failed() and run() while others run; join() belongs to the owner.
///
/// **Example**
/// \code
/// streamlab::BoundedQueue<int> queue{64};
/// streamlab::StageGroup stages;
/// stages.on_failure([&] { queue.close(); });
/// stages.run("source", [&] { for (int i = 0; i < 1000; ++i) queue.push(i); queue.close(); });
/// stages.run("sink", [&] { while (auto item = queue.pop()) use(*item); });
/// stages.join();
/// if (auto failure = stages.failure()) fmt::print(stderr, "stage {} failed: {}\n", failure->stage, failure->message);
/// for (const auto& [stage, cpu] : stages.cpu_times()) fmt::print("{}: {} ns of CPU\n", stage, cpu.count());
/// \endcode
class StageGroup {
 public:
  StageGroup() = default;
  StageGroup(const StageGroup&) = delete;
  StageGroup& operator=(const StageGroup&) = delete;
  /// Joins every thread.
  ~StageGroup() { join(); }

  /// Adds a function to call (once) when the first stage fails. It must not throw.
  void on_failure(std::function<void()> stop) {
    std::lock_guard lock(mutex_);
    stops_.push_back(std::move(stop));
  }

  /// Starts `body` on a new thread as the stage called `name`; returns whether it could. If not,
  /// the group has failed (see above): it never throws for that, so that the stages already
  /// started are stopped and joined rather than left blocked on a queue no one will serve.
  bool run(std::string name, std::function<void()> body) {
    try {
      std::lock_guard lock(mutex_);
      if (find_cpu_time(name) == nullptr) cpu_times_.push_back(StageCpuTime{name, {}});
      if (testing::before_stage_thread != nullptr) testing::before_stage_thread(name);
      threads_.emplace_back([this, stage = name, work = std::move(body)] {
        try {
          work();
        } catch (const std::exception& error) {
          fail(stage, error.what());
        } catch (...) {
          fail(stage, "unknown exception");
        }
        const std::chrono::nanoseconds used = thread_cpu_time();  // this thread's, from its start
        std::lock_guard done(mutex_);
        find_cpu_time(stage)->cpu += used;
      });
      return true;
    } catch (const std::exception& error) {  // the lock is released here: fail() takes it
      fail(name, std::string("cannot start a thread: ") + error.what());
    } catch (...) {
      fail(name, "cannot start a thread: unknown exception");
    }
    return false;
  }

  /// Waits for every stage started so far. Calling it again is harmless.
  void join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& thread : threads) thread.join();
  }

  /// The first stage that failed, if any. Complete once join() has returned.
  std::optional<StageFailure> failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  /// Whether a stage has failed.
  bool failed() const { return failure().has_value(); }

  /// The CPU time of each stage, in the order the stages were first run; a stage run on several
  /// threads (workers) is one entry, their times added up. A thread's time is counted when it
  /// ends: complete once join() has returned. Time a thread spends waiting on a queue is not CPU
  /// time, so this shows where the work is, whatever else shares the cores.
  std::vector<StageCpuTime> cpu_times() const {
    std::lock_guard lock(mutex_);
    return cpu_times_;
  }

 private:
  // With the mutex held. A pipeline has a handful of stages: a search is as quick as a map.
  StageCpuTime* find_cpu_time(std::string_view stage) {
    for (auto& entry : cpu_times_) {
      if (entry.stage == stage) return &entry;
    }
    return nullptr;
  }

  void fail(const std::string& stage, const std::string& message) {
    std::vector<std::function<void()>> stops;
    {
      std::lock_guard lock(mutex_);
      if (failure_) return;  // only the first failure is kept; the stops already ran
      failure_ = StageFailure{stage, message};
      stops = stops_;
    }
    for (auto& stop : stops) stop();  // outside the lock: a stop may wake threads that call failed()
  }

  mutable std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::vector<std::function<void()>> stops_;
  std::optional<StageFailure> failure_;
  std::vector<StageCpuTime> cpu_times_;  // one per stage name, in the order first run
};

}  // namespace streamlab
