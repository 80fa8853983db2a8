// parallel_map(range, f, options): f applied on a thread pool, results streamed in input order.
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/resequencer.hpp"
#include "streamlab/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace streamlab {

/// How `parallel_map` and `parallel_map_unordered` run.
struct ParallelOptions {
  /// The pool to run on. When null, the generator makes its own pool of `threads` workers and
  /// joins it when it finishes (or is destroyed). A given pool must outlive the generator; if
  /// someone drops its queued items (`ThreadPool::cancel_pending`), the map ends by throwing
  /// std::runtime_error rather than waiting for items that will never come: ordered, after every
  /// item before the first one dropped (never with a gap); unordered, at the consumer's next step.
  ThreadPool* pool = nullptr;
  /// Workers of the generator's own pool (ignored when `pool` is set); 0 means one per core.
  std::size_t threads = 0;
  /// The most items started but not yet consumed (running, queued, or finished and waiting in the
  /// reorder buffer). It bounds memory; 0 means twice the number of workers.
  std::size_t max_in_flight = 0;
  /// When true, the consumer's thread runs queued items itself while it waits for the next result,
  /// instead of sleeping (as TBB's threads do). It saves a thread wake-up per item when items are
  /// tiny; but then `f` also runs on the consumer's thread, so `f` must never wait for the consumer
  /// (that would deadlock), and with I/O-bound items one more item waits at a time.
  bool consumer_helps = false;
};

/// The type `parallel_map(input, f)` yields: what `f` returns for one item of `input`.
template <typename Range, typename F>
using parallel_map_result_t = std::remove_cvref_t<std::invoke_result_t<const F&, std::ranges::range_value_t<Range>>>;

namespace detail {

// What the consumer (the generator) and the workers share. Held by a shared_ptr in every task, so
// a task may finish touching it even while the generator is being destroyed.
template <typename Result>
struct ParallelState {
  // What became of one item: its result, or the exception f threw, or neither (skipped).
  struct Outcome {
    std::optional<Result> value;
    std::exception_ptr error;
  };

  ParallelState(bool in_order, std::size_t limit) : ordered(in_order), outcomes(limit) {}

  const bool ordered;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t running = 0;  // tasks posted and not yet finished (whether or not they ran f)
  // The outcome the consumer is blocked on (none: max). A worker wakes the consumer only for
  // that one, so finishing items ahead of their turn costs no wake-up.
  std::uint64_t waiting_for = std::numeric_limits<std::uint64_t>::max();
  bool draining = false;          // the consumer waits in drain(): wake it on every finished task
  std::atomic<bool> stop{false};  // skip every item not started: the consumer is gone, or (unordered) an item failed
  // The first failing item in input order. Ordered, the items after it are skipped and the items
  // before it still run, so the consumer sees every result before the failure, then the failure.
  std::atomic<std::size_t> first_failure{std::numeric_limits<std::size_t>::max()};
  // The reorder buffer. Ordered, outcomes are numbered by input position; unordered, by when they
  // finished — so both modes take them out the same way, and only the numbering differs.
  Resequencer<Outcome> outcomes;
  std::uint64_t finished = 0;  // unordered: the number the next outcome gets
  std::exception_ptr failure;  // unordered: the first exception, for the consumer at its next step

  // Item `index` failed (f threw, or its task was dropped from the pool). Ordered, only the items
  // after the earliest failure are skipped: an item before it, even one a worker took off the
  // queue just before, still runs, so the consumer gets every item up to the failure, then the
  // failure — never a gap. Unordered, the failure reaches the consumer at its next step: skip all.
  void note_failure(std::size_t index) noexcept {
    std::size_t seen = first_failure.load();
    while (index < seen && !first_failure.compare_exchange_weak(seen, index)) {
    }
    if (!ordered) stop.store(true);
  }

  // Records the outcome of task `index` and wakes the consumer if it waits for it.
  void finish(std::size_t index, Outcome outcome) {
    std::unique_lock lock{mutex};
    const std::uint64_t sequence = ordered ? index : finished++;
    if (!ordered && outcome.error && !failure) failure = outcome.error;
    outcomes.put(sequence, std::move(outcome));
    --running;
    const bool wake = sequence == waiting_for || draining;
    lock.unlock();
    if (wake) changed.notify_one();  // only the consumer ever waits
  }

  // Waits until every posted task has finished. After this no worker touches the caller's f.
  void drain() {
    std::unique_lock lock{mutex};
    draining = true;
    changed.wait(lock, [this] { return running == 0; });
  }
};

// Sets `stop` and waits for the posted tasks when the generator ends for any reason: finished,
// failed, or destroyed early by a consumer that broke out of its loop.
template <typename Result>
struct StopAndDrain {
  ParallelState<Result>& state;
  ~StopAndDrain() {
    state.stop.store(true);
    state.drain();
  }
};

// The next item of the input as a value for a task: moved from a single-pass input (nothing else
// will see it), copied from a container or another multi-pass range (never stolen from it).
template <typename Range, typename Iterator>
std::ranges::range_value_t<Range> take_item(Iterator& it) {
  if constexpr (std::ranges::forward_range<Range>) {
    return std::ranges::range_value_t<Range>(*it);
  } else {
    return std::ranges::range_value_t<Range>(std::move(*it));
  }
}

// One posted task's account in `state.running`, settled exactly once: by finish() when the task
// runs, or by the destructor when the task is destroyed unrun (ThreadPool::cancel_pending, or a
// failed post), so that drain() never waits for a task that will not come.
template <typename Result>
class TaskTicket {
 public:
  TaskTicket(std::shared_ptr<ParallelState<Result>> state, std::size_t index)
      : state_(std::move(state)), index_(index) {
    std::lock_guard lock{state_->mutex};
    ++state_->running;
  }
  TaskTicket(TaskTicket&& other) noexcept : state_(std::move(other.state_)), index_(other.index_) {}
  TaskTicket& operator=(TaskTicket&&) = delete;
  ~TaskTicket() {
    if (!state_) return;
    typename ParallelState<Result>::Outcome dropped;
    dropped.error =
        std::make_exception_ptr(std::runtime_error("parallel_map: a queued item was dropped from the pool"));
    // Not `stop`: a worker may have taken an earlier item off the queue just before the drop and
    // look at the state just after it; that item must still run (issue 18).
    state_->note_failure(index_);
    state_->finish(index_, std::move(dropped));
  }
  ParallelState<Result>& state() const noexcept { return *state_; }
  std::size_t index() const noexcept { return index_; }
  void finish(typename ParallelState<Result>::Outcome outcome) {
    auto state = std::move(state_);
    state->finish(index_, std::move(outcome));
  }

 private:
  std::shared_ptr<ParallelState<Result>> state_;
  std::size_t index_;
};

inline std::size_t in_flight_limit(const ParallelOptions& options, std::size_t workers) {
  return options.max_in_flight != 0 ? options.max_in_flight : 2 * workers;
}

// The body of parallel_map (ordered) and parallel_map_unordered: the same loop, and the same
// reorder buffer, which gives the outcomes back by input position or by completion.
template <typename Range, typename F, typename Result>
Generator<Result> parallel_map_impl(Range input, F f, ParallelOptions options, bool ordered) {
  std::optional<ThreadPool> own_pool;  // declared first: joined last, after the drain below
  if (options.pool == nullptr)
    own_pool.emplace(options.threads != 0 ? options.threads : ThreadPool::default_thread_count());
  ThreadPool& pool = options.pool != nullptr ? *options.pool : *own_pool;
  const std::size_t limit = in_flight_limit(options, pool.size());

  using State = ParallelState<Result>;
  auto state = std::make_shared<State>(ordered, limit);
  StopAndDrain<Result> guard{*state};

  const F& fn = f;  // called concurrently, always as const
  auto next_item = std::ranges::begin(input);
  const auto last_item = std::ranges::end(input);
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::size_t submitted = 0;  // items handed to the pool
  std::size_t consumed = 0;   // outcomes taken by the consumer

  for (;;) {
    // Refill: start items until `limit` are in flight, unless a failure stopped scheduling.
    while (submitted - consumed < limit && next_item != last_item && state->first_failure.load() == none &&
           !state->stop.load()) {
      const std::size_t index = submitted++;
      pool.post([ticket = TaskTicket<Result>(state, index), index, &fn,
                 item = take_item<Range>(next_item)]() mutable noexcept {
        State& shared = ticket.state();
        typename State::Outcome outcome;
        if (!shared.stop.load() && index < shared.first_failure.load()) {
          try {
            outcome.value.emplace(std::invoke(fn, std::move(item)));
          } catch (...) {
            outcome.error = std::current_exception();
            shared.note_failure(index);  // start nothing new; skip what comes after it
          }
        }
        ticket.finish(std::move(outcome));
      });
      ++next_item;
    }
    if (consumed == submitted) break;  // nothing in flight and nothing more to start

    typename State::Outcome outcome;
    {
      std::unique_lock lock{state->mutex};
      while (options.consumer_helps && !state->outcomes.ready()) {
        lock.unlock();
        const bool helped = pool.run_pending_task();
        lock.lock();
        if (!helped) break;  // nothing queued: only the running items are left to wait for
      }
      if (!state->outcomes.ready()) {
        state->waiting_for = state->outcomes.next();
        state->changed.wait(lock, [&] { return state->outcomes.ready(); });
        state->waiting_for = std::numeric_limits<std::uint64_t>::max();
      }
      // Unordered, an error goes to the consumer at once, ahead of results that finished before it.
      if (state->failure) std::rethrow_exception(state->failure);
      outcome = std::move(*state->outcomes.pop());
    }
    ++consumed;
    if (outcome.error) std::rethrow_exception(outcome.error);
    if (!outcome.value) {
      if (!ordered) continue;  // skipped after a failure, which reached the consumer first
      // Ordered, an item is skipped only after the earliest failure, which is rethrown above before
      // the consumer gets this far. Never a silent gap: should it ever happen, say so.
      throw std::logic_error("parallel_map: item " + std::to_string(consumed - 1) + " was skipped without an error");
    }
    co_yield std::move(*outcome.value);
  }
}

template <typename Range, typename F>
void check_parallel_arguments(const ParallelOptions& options) {
  static_assert(std::invocable<const F&, std::ranges::range_value_t<Range>>,
                "parallel_map: f must be callable (as const) with the range's value type");
  static_assert(!std::is_void_v<std::invoke_result_t<const F&, std::ranges::range_value_t<Range>>>,
                "parallel_map: f must return a value (for side effects only, use ThreadPool::post)");
  if (options.pool != nullptr && options.pool->size() == 0) throw std::invalid_argument("parallel_map: empty pool");
}

}  // namespace detail

/// Applies `f` to every item of `input` on a thread pool and yields the results **in input order**.
///
/// The input is read on the consumer's thread (it need not be thread-safe); each item is moved
/// into a task and `f(item)` runs on a worker. A reorder buffer (`Resequencer`) holds results that finished early
/// until their turn comes. At most `options.max_in_flight` items are started but not yet
/// consumed, so memory stays bounded however long the stream is and however slow the consumer.
///
/// - `f` is called concurrently from several threads: it must be safe to call that way (a pure
///   function is). It is kept in the generator; references it captures must outlive the loop.
/// - Errors: when `f` throws for item k, no item after k is started; items before k still finish
///   and are yielded, then the exception of item k is rethrown to the consumer (as Python's
///   `pool.map` does). Which results precede the exception does not depend on timing.
/// - Breaking out of the loop destroys the generator: nothing new is started, queued items are
///   skipped, the running ones are waited for, and the generator's own pool is joined.
///   No thread is left running and no `f` call outlives the generator.
/// - The input is taken by value (CP.53): pass a Generator with `std::move` or a temporary, a
///   container as `std::views::all(container)` to copy only a view.
///
/// **Example**
/// \code
/// auto fetch = [](int id) { return download(id); };         // slow, I/O-bound
/// for (const Page& page : streamlab::parallel_map(std::views::iota(0, 16), fetch, {.threads = 4})) {
///   save(page);                                              // pages 0, 1, 2, ... in order
/// }
/// \endcode
template <std::ranges::input_range Range, typename F>
Generator<parallel_map_result_t<Range, F>> parallel_map(Range input, F f, ParallelOptions options = {}) {
  detail::check_parallel_arguments<Range, F>(options);
  return detail::parallel_map_impl<Range, F, parallel_map_result_t<Range, F>>(std::move(input), std::move(f), options,
                                                                              true);
}

/// Like `parallel_map`, but yields each result as soon as it is ready (completion order).
///
/// Results leave in the order they finish: a slow item does not hold back the ones after it. The first exception stops
/// scheduling and is rethrown to the consumer at its next step, ahead of any results not yet
/// yielded. Early break, bounds and threading are as for `parallel_map`.
template <std::ranges::input_range Range, typename F>
Generator<parallel_map_result_t<Range, F>> parallel_map_unordered(Range input, F f, ParallelOptions options = {}) {
  detail::check_parallel_arguments<Range, F>(options);
  return detail::parallel_map_impl<Range, F, parallel_map_result_t<Range, F>>(std::move(input), std::move(f), options,
                                                                              false);
}

}  // namespace streamlab
