// Exercise 06.1 ★★ — Sliding windows over a ring buffer
//
// KNOWN MISTAKE: the test for a full buffer is off by one (seen > size instead of seen >= size): the first
//   window, [0..4], never goes out, so there is one window too few.
//
// Lesson 06 cuts 0..19 into windows of size 5, one starting every 2 items — [0..4], [2..6], ...,
// [14..18], 8 windows — while holding only the last 5 items, in a streamlab::RingBuffer. Write
// sliding_windows(items, size, stride): window k holds items k·stride to k·stride + size − 1, and
// goes out as soon as its last item has been read. Windows still incomplete at the end of the
// stream are dropped (like the seed's range(0, len(data) − size + 1, stride)). stride may be
// larger than size: the items between two windows are then read and skipped. Count the items as
// you read them: a window ends at item number k·stride + size (counting from 1).
//
// Check it:  scripts/exercise 06.1        Stuck?  scripts/exercise --hint 06.1
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/ring_buffer.hpp"

#include <cstddef>
#include <vector>

namespace exercise {

/// Windows of `size` items (>= 1), one starting every `stride` items (>= 1), oldest item first.
inline streamlab::Generator<std::vector<int>> sliding_windows(streamlab::Generator<int> items, std::size_t size,
                                                              std::size_t stride) {
  streamlab::RingBuffer<int> last{size};  // the last `size` items read; last.items() is them, oldest first
  std::size_t seen = 0;
  for (int item : items) {
    last.push(item);
    ++seen;
    if (seen > size && (seen - size) % stride == 0) {
      const auto window = last.items();
      co_yield std::vector<int>(window.begin(), window.end());
    }
  }
}

}  // namespace exercise
