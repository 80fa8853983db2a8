// Exercise 05.2 ★★★ — An ordered parallel map with a bound on the items in flight
//
// Lesson 05's parallel_map(urls, fetch_data, ...) runs items on a thread pool, hands the results
// on in input order, and never has more than a set number of items in flight, which bounds its
// memory on a stream that never ends. Write ordered_parallel_map(inputs, f, pool, max_in_flight,
// deliver): run f(input) on `pool` for every input, and call deliver(result) once for each input,
// in input order, on the calling thread. Three things must hold:
//
// - In order: deliver gets f(inputs[0]), f(inputs[1]), ... whatever order they finish in.
// - Bounded: at no moment are more than max_in_flight items started and not yet delivered
//   (running, queued in the pool, or finished and waiting for their turn).
// - Parallel: with max_in_flight >= 2, an item is started without waiting for the one before it.
//
// pool.submit(task) queues task() on the pool and returns a std::future of its result;
// future.get() waits for that result. (A std::deque of futures makes a fine reorder buffer.)
//
// Check it:  scripts/exercise 05.2        Stuck?  scripts/exercise --hint 05.2
#pragma once

#include "streamlab/thread_pool.hpp"

#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <vector>

namespace exercise {

/// f(input) on `pool` for every input, delivered in input order, at most `max_in_flight` (>= 1)
/// items started and not yet delivered at any moment.
inline void ordered_parallel_map([[maybe_unused]] const std::vector<int>& inputs,
                                 [[maybe_unused]] const std::function<int(int)>& f,
                                 [[maybe_unused]] streamlab::ThreadPool& pool,
                                 [[maybe_unused]] std::size_t max_in_flight,
                                 [[maybe_unused]] const std::function<void(int)>& deliver) {
  // TODO: submit f(input) for each input, at most max_in_flight undelivered, and deliver the results in order.
}

}  // namespace exercise
