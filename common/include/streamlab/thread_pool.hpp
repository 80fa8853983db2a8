// ThreadPool: a fixed set of worker threads that run submitted tasks; submit() returns a future.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace streamlab {

/// A fixed-size pool of worker threads taking tasks from one FIFO queue.
///
/// - `submit(f)` queues `f()` and returns a `std::future` for its result; an exception thrown by
///   `f` travels through the future and is rethrown by `future.get()`.
/// - `post(f)` queues `f()` with no future (cheaper); `f` must not throw (if it does, the
///   exception reaches the worker thread and `std::terminate` is called, as for any thread).
/// - Destruction **finishes the queued work**, then joins every worker: it never abandons a task
///   whose future someone may be waiting on. Call `cancel_pending()` first to drop the tasks that
///   have not started (their futures then report `std::future_errc::broken_promise`); the
///   destructor then only waits for the tasks already running.
/// - ThreadSanitizer note: libstdc++ counts references to an exception inside its own runtime,
///   which TSan does not see. If a worker drops a failed task after the consumer has already
///   looked at its exception, TSan may report a race that is not there (a false positive).
/// - Tasks must not wait for other tasks of the same pool unless there are spare workers: a pool
///   whose every worker waits for queued work is deadlocked, as in any fixed-size pool.
/// Thread-safe: submit() from any thread, a running task included; the destructor belongs to the owner.
///
/// **Example**
/// \code
/// streamlab::ThreadPool pool{4};
/// std::future<int> answer = pool.submit([] { return 6 * 7; });
/// fmt::print("{}\n", answer.get());   // 42
/// \endcode
class ThreadPool {
 public:
  /// Starts `threads` workers (at least 1). The default is one per hardware thread.
  explicit ThreadPool(std::size_t threads = default_thread_count()) {
    if (threads == 0) throw std::invalid_argument("ThreadPool: needs at least one thread");
    workers_.reserve(threads);
    try {
      for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    } catch (...) {  // a thread could not be started: stop and join the ones that were
      stop_and_join();
      throw;
    }
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Finishes every queued task, then joins the workers.
  ~ThreadPool() { stop_and_join(); }

  /// The number of worker threads.
  std::size_t size() const noexcept { return workers_.size(); }

  /// `std::thread::hardware_concurrency()`, or 1 when the system does not say.
  static std::size_t default_thread_count() noexcept {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }

  /// Queues `f()` and returns the future of its result (or of its exception).
  template <typename F>
  requires std::invocable < std::decay_t<F>
  & > auto submit(F&& f) -> std::future<std::invoke_result_t<std::decay_t<F>&>> {
    using Result = std::invoke_result_t<std::decay_t<F>&>;
    std::packaged_task<Result()> task{std::forward<F>(f)};
    auto future = task.get_future();
    post(std::move(task));
    return future;
  }

  /// Queues `f()` without a future. `f` must not throw.
  template <typename F>
  requires std::invocable < std::decay_t<F>
  & > void post(F&& f) {
    auto task = std::make_unique<Model<std::decay_t<F>>>(std::forward<F>(f));
    {
      std::lock_guard lock{mutex_};
      queue_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

  /// Runs the oldest queued task on the calling thread, if there is one; returns whether it did.
  /// A thread that would otherwise sleep waiting for results can help instead ("work helping").
  bool run_pending_task() {
    std::unique_ptr<Task> task;
    {
      std::lock_guard lock{mutex_};
      if (queue_.empty()) return false;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task->run();
    return true;
  }

  /// Drops the queued tasks that no worker has started yet and returns how many were dropped.
  /// Tasks already running are not interrupted. A task a worker has just taken off the queue
  /// counts as running: it is not dropped, though it may begin only after this returns.
  std::size_t cancel_pending() {
    std::deque<std::unique_ptr<Task>> dropped;
    {
      std::lock_guard lock{mutex_};
      dropped.swap(queue_);
    }
    return dropped.size();  // destroyed here, outside the lock (a packaged_task breaks its promise)
  }

 private:
  // A move-only, type-erased `void()` (std::move_only_function is C++23; std::function needs copies).
  struct Task {
    virtual ~Task() = default;
    virtual void run() = 0;
  };
  template <typename F>
  struct Model final : Task {
    explicit Model(F&& f) : fn(std::move(f)) {}
    explicit Model(const F& f) : fn(f) {}
    void run() override { fn(); }
    F fn;
  };

  // (std::jthread and std::stop_token would do this, but libc++ has them only from version 18.)
  void stop_and_join() noexcept {
    {
      std::lock_guard lock{mutex_};
      stopping_ = true;
    }
    ready_.notify_all();  // wake them all first, then join
    for (auto& worker : workers_) worker.join();
    workers_.clear();
  }

  void work() {
    for (;;) {
      std::unique_ptr<Task> task;
      {
        std::unique_lock lock{mutex_};
        // Wakes on new work or on stopping; leaves only when stopping AND the queue is empty.
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping and nothing left to do
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task->run();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<Task>> queue_;
  bool stopping_ = false;             // guarded by mutex_
  std::vector<std::thread> workers_;  // joined by the destructor before the queue and the mutex go
};

}  // namespace streamlab
