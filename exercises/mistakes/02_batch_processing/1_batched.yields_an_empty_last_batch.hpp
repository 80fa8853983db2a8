// Exercise 02.1 ★ — batched(items, size): batches of `size`, and the partial last batch
//
// KNOWN MISTAKE: the batch left at the end goes out without a look at it: when the items divide evenly
//   (96 in batches of 16), an empty seventh batch goes out, and an empty stream gives one empty batch.
//
// Lesson 02 groups 100 items into batches of 16: six full batches and a last one of 4. Write
// batched(items, size), like Python's itertools.batched: yield std::vector<int> batches of
// `size` items in order; the last batch holds whatever is left (1 to size items) and must not be
// lost; when the items divide evenly there is no partial batch, and no empty one either. No items,
// no batches. Memory: one batch at a time, whatever the length of the stream.
//
// Check it:  scripts/exercise 02.1        Stuck?  scripts/exercise --hint 02.1
#pragma once

#include "streamlab/generator.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace exercise {

/// `items` in batches of `size` (size >= 1); the last batch may be smaller.
inline streamlab::Generator<std::vector<int>> batched(streamlab::Generator<int> items, std::size_t size) {
  std::vector<int> batch;  // the batch being filled
  for (int item : items) {
    batch.push_back(item);
    if (batch.size() == size) {
      co_yield std::move(batch);
      batch.clear();
    }
  }
  co_yield std::move(batch);
}

}  // namespace exercise
