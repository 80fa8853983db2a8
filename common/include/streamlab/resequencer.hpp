// Resequencer<T>: a reorder buffer — items numbered 0, 1, 2, ... arrive in any order and leave in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace streamlab {

/// Puts numbered items back in order: `put(n, item)` in whatever order they finish, `pop()` gives
/// item 0, then 1, then 2, ... each as soon as it and all before it are in. This is what any
/// parallel stage that promises input order needs (workers finish out of turn): `parallel_map`,
/// `ProcessPool::map` and lesson 09's sink use this one.
///
/// Memory is fixed: a window of `window` slots, for the items numbered next() to
/// next() + window − 1. A stage that has at most `window` items in flight (started and not yet
/// popped) can never be given one outside it; one outside it throws, as does the same number twice.
///
/// Not thread-safe: one owner at a time (parallel_map calls it under its own mutex).
///
/// **Example**
/// \code
/// streamlab::Resequencer<std::string> order{4};
/// order.put(1, "b");                     // early: held
/// order.pop();                           // nothing yet: item 0 is missing
/// order.put(0, "a");
/// while (auto item = order.pop()) fmt::print("{}", *item);   // "ab"
/// \endcode
template <typename T>
class Resequencer {
 public:
  /// Room for the items numbered next() to next() + window − 1; `window` must be at least 1
  /// (std::invalid_argument otherwise). Numbering starts at `first`.
  explicit Resequencer(std::size_t window, std::uint64_t first = 0) : slots_(window), next_(first) {
    if (window == 0) throw std::invalid_argument("Resequencer: window must be at least 1");
  }

  /// Holds item number `sequence` until its turn. Throws std::out_of_range when `sequence` is
  /// outside the window (already popped, or window or more ahead of next()), std::logic_error
  /// when that number is already held.
  void put(std::uint64_t sequence, T item) {
    if (!accepts(sequence)) {
      throw std::out_of_range("Resequencer: item " + std::to_string(sequence) + " is outside the window [" +
                              std::to_string(next_) + ", " + std::to_string(next_ + slots_.size()) + ")");
    }
    std::optional<T>& slot = slots_[sequence % slots_.size()];
    if (slot) throw std::logic_error("Resequencer: item " + std::to_string(sequence) + " was put twice");
    slot.emplace(std::move(item));
    ++held_;
  }

  /// Whether the next item in order is here (pop() would return it).
  bool ready() const noexcept { return slots_[next_ % slots_.size()].has_value(); }

  /// The next item in order, if it is here; then the one after it is next.
  std::optional<T> pop() {
    std::optional<T>& slot = slots_[next_ % slots_.size()];
    if (!slot) return std::nullopt;
    std::optional<T> item = std::move(slot);
    slot.reset();
    ++next_;
    --held_;
    return item;
  }

  /// Whether `sequence` fits in the window now: next() <= sequence < next() + window().
  bool accepts(std::uint64_t sequence) const noexcept { return sequence >= next_ && sequence - next_ < slots_.size(); }

  /// The number of the next item to leave (how many have left so far, when numbering starts at 0).
  std::uint64_t next() const noexcept { return next_; }
  /// Items held, waiting for their turn or for pop().
  std::size_t size() const noexcept { return held_; }
  /// True when no item is held.
  bool empty() const noexcept { return held_ == 0; }
  /// How far ahead of next() an item may be.
  std::size_t window() const noexcept { return slots_.size(); }

 private:
  std::vector<std::optional<T>> slots_;  // item n in slots_[n % window]
  std::uint64_t next_;
  std::size_t held_ = 0;
};

}  // namespace streamlab
