// Exercise 09.2 ★★★ — Three stages on threads: the end flows downstream, a failure stops them all
//
// KNOWN MISTAKE: the transform stage returns at the end of its input without closing its output
//   queue: the sink, waiting in results.pop() for an item that will never come, never sees the end,
//   and the program hangs when its input ends — the most common hang of a pipeline.
//
// Lesson 09 runs its stages on threads joined by bounded queues (lesson 08). Two things must reach
// every thread, or the program hangs instead of ending:
//
// - The end of the stream flows downstream: a stage that has pushed its last item closes its
//   output queue; the next stage drains what is left, sees the end (pop() gives nothing), closes
//   its own output in turn, and returns.
// - A failure stops them all: a stage that throws must not leave the others blocked for ever on a
//   full or an empty queue. A streamlab::StageGroup runs each stage on a thread of its own, catches
//   what it throws, keeps the first failure, and calls what on_failure() registered: close every
//   queue, so that every push and pop returns at once. A push into a closed queue returns
//   PushResult::closed: the pipeline is stopping, so stop there too.
//
// Write run_pipeline: three stages on `stages` — "source" pushes each item work.read() gives into
// `items`; "transform" pushes work.transform(item) of each into `results`; "sink" hands each result
// to work.write() — so that the run ends when the input ends, and when any stage throws.
//
// Check it:  scripts/exercise 09.2        Stuck?  scripts/exercise --hint 09.2
#pragma once

#include "streamlab/bounded_queue.hpp"
#include "streamlab/stage_group.hpp"

#include <functional>
#include <optional>

namespace exercise {

/// What each stage does with one item. Each may throw: that stage fails.
struct Work {
  std::function<std::optional<int>()> read;  ///< the next item, or nothing at the end of the input
  std::function<int(int)> transform;         ///< an item's result
  std::function<void(int)> write;            ///< takes one result
};

/// Runs source → transform → sink, joined by `items` and `results` (open and empty), one thread
/// each, and returns the first stage that failed, or nothing when all ended normally. Returns
/// only once all three have ended.
inline std::optional<streamlab::StageFailure> run_pipeline(const Work& work, streamlab::BoundedQueue<int>& items,
                                                           streamlab::BoundedQueue<int>& results) {
  streamlab::StageGroup stages;
  stages.on_failure([&] {  // before the first run(): a stage may fail at once
    items.close();
    results.close();
  });
  stages.run("source", [&] {
    while (const std::optional<int> item = work.read()) {
      if (items.push(*item) == streamlab::PushResult::closed) return;  // the pipeline is stopping
    }
    items.close();  // the end of the stream, downstream
  });
  stages.run("transform", [&] {
    while (const std::optional<int> item = items.pop()) {
      if (results.push(work.transform(*item)) == streamlab::PushResult::closed) return;
    }
  });
  stages.run("sink", [&] {
    while (const std::optional<int> result = results.pop()) work.write(*result);
  });
  stages.join();
  return stages.failure();
}

}  // namespace exercise
