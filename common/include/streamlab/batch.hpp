// batched(range, n): groups a stream into vectors of n items, the last one possibly shorter.
#pragma once

#include "streamlab/generator.hpp"

#include <cstddef>
#include <iterator>
#include <ranges>
#include <stdexcept>
#include <utility>
#include <vector>

namespace streamlab {

/// Groups any input range (a container, a view, a Generator) into batches of `size` items, like
/// Python's `itertools.batched`. Every batch holds `size` items except possibly the last, which
/// holds what is left; an empty input gives no batches. Items of a single-pass input (a Generator)
/// are moved into the batches, since nothing can see them again; items of a container are copied.
///
/// The input is taken by value (CP.53): pass a Generator as a temporary or with `std::move`, and a
/// container as `std::views::all(container)` so that only a view is copied. Memory: one batch.
/// Throws std::invalid_argument when `size` is 0, at the call rather than at the first batch.
///
/// **Example**
/// \code
/// for (const std::vector<int>& batch : streamlab::batched(std::views::iota(0, 100), 16)) {
///   fmt::print("{} items\n", batch.size());   // 16, 16, 16, 16, 16, 16, 4
/// }
/// \endcode
template <std::ranges::input_range Range>
Generator<std::vector<std::ranges::range_value_t<Range>>> batched(Range input, std::size_t size);

namespace detail {
template <typename Range>
Generator<std::vector<std::ranges::range_value_t<Range>>> batched_impl(Range input, std::size_t size) {
  std::vector<std::ranges::range_value_t<Range>> batch;
  batch.reserve(size);
  for (auto&& item : input) {
    if constexpr (std::ranges::forward_range<Range>) {
      batch.push_back(std::forward<decltype(item)>(item));  // multi-pass input: copy, never steal
    } else {
      batch.push_back(std::move(item));  // single pass: no one else will see this item again
    }
    if (batch.size() == size) {
      co_yield std::move(batch);
      batch.clear();  // a moved-from vector is valid but unspecified: make it empty again
      batch.reserve(size);
    }
  }
  if (!batch.empty()) co_yield std::move(batch);
}
}  // namespace detail

template <std::ranges::input_range Range>
Generator<std::vector<std::ranges::range_value_t<Range>>> batched(Range input, std::size_t size) {
  // Checked here, outside the coroutine, so that the error surfaces where the mistake was made.
  if (size == 0) throw std::invalid_argument("batched: batch size must be at least 1");
  return detail::batched_impl(std::move(input), size);
}

}  // namespace streamlab
