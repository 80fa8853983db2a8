// Exercise 08.1 ★★ — A bounded buffer that drops the oldest item when it is full
//
// Lesson 08's first policy is Python's deque(maxlen=1000): when the buffer is full, a new item
// makes room for itself by pushing out the OLDEST one. Memory stays bounded and the buffer always
// holds the most recent items: 1500 items pushed into a buffer of 1000 leave items 500 to 1499,
// and 500 dropped. Write push(item) on the fixed ring of slots below: head_ is the slot of the
// oldest item and size_ the number of items held, so the items sit in slots head_, head_ + 1, ...,
// wrapping round at the end. Never hold more than capacity() items; count each item dropped.
//
// Check it:  scripts/exercise 08.1        Stuck?  scripts/exercise --hint 08.1
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace exercise {

/// A buffer of at most `capacity` items that drops the oldest to make room for a new one.
template <typename T>
class DropOldestBuffer {
 public:
  /// An empty buffer for up to `capacity` items (>= 1).
  explicit DropOldestBuffer(std::size_t capacity) : slots_(capacity) {}

  /// Adds `item`; when the buffer is full, the oldest item is dropped to make room for it.
  void push([[maybe_unused]] T item) {
    // TODO: when full, drop the oldest (move head_ on, count it); then put `item` after the newest.
  }

  /// Takes out the oldest item, if there is one.
  std::optional<T> pop() {
    if (size_ == 0) return std::nullopt;
    T item = std::move(slots_[head_]);
    head_ = (head_ + 1) % capacity();
    --size_;
    return item;
  }

  /// How many items it holds.
  std::size_t size() const { return size_; }
  /// The most items it holds.
  std::size_t capacity() const { return slots_.size(); }
  /// How many items were dropped to make room.
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::vector<T> slots_;  // a ring: the items are in slots head_ .. head_ + size_ − 1 (mod capacity)
  std::size_t head_ = 0;  // the slot of the oldest item
  std::size_t size_ = 0;  // how many items it holds
  std::uint64_t dropped_ = 0;
};

}  // namespace exercise
