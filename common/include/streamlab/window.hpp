// Count windows: sliding and tumbling windows over any input range, backed by a ring buffer.
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/ring_buffer.hpp"

#include <cstddef>
#include <ranges>
#include <span>
#include <stdexcept>
#include <utility>

namespace streamlab {

/// What to do with the windows at the end of a stream that are not full.
enum class Tail {
  drop,  ///< only full windows (the default, like the seed's `range(0, len(data) - size + 1, stride)`)
  keep,  ///< also every window that starts before the end, cut short by it
};

/// A window of a stream: a view of the ring buffer's current contents, oldest item first.
/// It is valid until the next window is asked for; copy it (`std::vector(w.begin(), w.end())`)
/// to keep it longer.
template <typename T>
using Window = std::span<const T>;

/// Sliding windows of `size` consecutive items, one starting every `stride` items: window k holds
/// items [k·stride, k·stride + size). Works on any input range, including a single-pass Generator.
///
/// Memory is O(size): the items live in a RingBuffer of `size` items, and each window handed out
/// is a span into it — nothing is copied per window, whatever its size. With `stride > size` the
/// items between two windows are read and skipped. `tail` says whether incomplete windows at the
/// end are dropped (default) or kept (shorter windows; with Tail::keep every start position before
/// the end gives a window).
///
/// The input is taken by value (CP.53): pass a Generator as a temporary or with `std::move`, and a
/// container as `std::views::all(container)`. Throws std::invalid_argument at the call when `size`
/// or `stride` is 0.
///
/// **Example**
/// \code
/// for (streamlab::Window<int> w : streamlab::sliding_windows(std::views::iota(0, 20), 5, 2)) {
///   fmt::print("[{}]\n", fmt::join(w, ", "));   // [0, 1, 2, 3, 4]  [2, 3, 4, 5, 6]  ... 8 windows
/// }
/// \endcode
template <std::ranges::input_range Range>
Generator<Window<std::ranges::range_value_t<Range>>> sliding_windows(Range input, std::size_t size, std::size_t stride,
                                                                     Tail tail = Tail::drop);

/// Tumbling windows: consecutive, non-overlapping windows of `size` items (sliding with
/// stride == size). With Tail::keep it is the span form of batched() (batch.hpp): the same groups
/// of `size` items, the last one shorter, each a view into one ring buffer (valid until the next
/// window) instead of a vector of its own. Use batched() to keep or move a group; use this to look.
template <std::ranges::input_range Range>
Generator<Window<std::ranges::range_value_t<Range>>> tumbling_windows(Range input, std::size_t size,
                                                                      Tail tail = Tail::drop) {
  return sliding_windows(std::move(input), size, size, tail);
}

namespace detail {
template <typename Range>
Generator<Window<std::ranges::range_value_t<Range>>> sliding_windows_impl(Range input, std::size_t size,
                                                                          std::size_t stride, Tail tail) {
  RingBuffer<std::ranges::range_value_t<Range>> ring(size);
  std::size_t seen = 0;        // items read so far
  std::size_t next_start = 0;  // position of the first item of the next window
  for (auto&& item : input) {
    if constexpr (std::ranges::forward_range<Range>) {
      ring.push(item);  // multi-pass input: copy, never steal
    } else {
      ring.push(std::move(item));  // single pass: no one else will see this item again
    }
    ++seen;
    if (seen == next_start + size) {
      co_yield ring.items();
      next_start += stride;
    }
  }
  if (tail == Tail::keep) {
    // Every window still to start before the end holds the last (seen - start) < size items.
    for (; next_start < seen; next_start += stride) co_yield ring.last(seen - next_start);
  }
}
}  // namespace detail

template <std::ranges::input_range Range>
Generator<Window<std::ranges::range_value_t<Range>>> sliding_windows(Range input, std::size_t size, std::size_t stride,
                                                                     Tail tail) {
  // Checked here, outside the coroutine, so that the error surfaces where the mistake was made.
  if (size == 0) throw std::invalid_argument("sliding_windows: window size must be at least 1");
  if (stride == 0) throw std::invalid_argument("sliding_windows: stride must be at least 1");
  return detail::sliding_windows_impl(std::move(input), size, stride, tail);
}

}  // namespace streamlab
