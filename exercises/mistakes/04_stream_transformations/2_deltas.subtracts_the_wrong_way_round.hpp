// Exercise 04.2 ★★ — A stage with state: the change from one reading to the next
//
// KNOWN MISTAKE: previous − reading instead of reading − previous: every change has the wrong sign, so a
//   rising stream looks like a falling one.
//
// Not every stage is a function of one element alone: a stage may remember what it has seen. A
// sensor stream is often turned into changes: for readings r0, r1, r2, ... write deltas(readings)
// to yield r1 − r0, r2 − r1, r3 − r2, ...: one value fewer than it reads, and none for fewer than
// two readings. Like every stage it is lazy: each change goes out as soon as its second reading
// has been read. Any reading is a real reading — 0 included.
//
// Check it:  scripts/exercise 04.2        Stuck?  scripts/exercise --hint 04.2
#pragma once

#include "streamlab/generator.hpp"

#include <optional>

namespace exercise {

/// The differences between consecutive readings: r1 − r0, r2 − r1, ...
inline streamlab::Generator<double> deltas(streamlab::Generator<double> readings) {
  std::optional<double> previous;
  for (double reading : readings) {
    if (previous) co_yield *previous - reading;
    previous = reading;
  }
}

}  // namespace exercise
