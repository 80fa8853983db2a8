// RingBuffer<T>: the last N items of a stream in fixed memory, readable as one contiguous span.
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace streamlab {

/// A fixed-capacity buffer that keeps the most recent `capacity` items pushed into it: pushing
/// into a full buffer overwrites the oldest item, in O(1), with no allocation after construction.
///
/// Every slot is stored twice, at `i` and at `i + capacity` (a "mirrored" ring buffer). That costs
/// a second write per push and 2 × capacity slots, and buys one thing: the most recent items are
/// always one contiguous run, so `items()` is a plain `std::span` — usable with any algorithm,
/// indexable, and never a copy. A span stays valid until the next push.
///
/// `T` must be default-constructible and copy-assignable (the slots exist from the start).
/// Not thread-safe: one owner (BoundedQueue is the thread-safe queue).
///
/// **Example**
/// \code
/// streamlab::RingBuffer<int> last3{3};
/// for (int x : {1, 2, 3, 4, 5}) last3.push(x);
/// std::span<const int> items = last3.items();   // 3, 4, 5 (oldest first)
/// int newest = last3.last(1)[0];                 // 5
/// \endcode
template <typename T>
class RingBuffer {
  static_assert(!std::is_same_v<T, bool>, "RingBuffer<bool>: std::vector<bool> has no contiguous storage");

 public:
  /// An empty buffer for up to `capacity` items; throws std::invalid_argument when it is 0.
  explicit RingBuffer(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("RingBuffer: capacity must be at least 1");
    slots_.resize(2 * capacity);
  }

  /// Appends `value`, overwriting the oldest item when the buffer is full.
  void push(const T& value) {
    slots_[next_ + capacity_] = value;
    slots_[next_] = value;
    advance();
  }
  /// Appends `value` (moved into one of its two slots), overwriting the oldest item when full.
  void push(T&& value) {
    slots_[next_ + capacity_] = value;
    slots_[next_] = std::move(value);
    advance();
  }

  /// Number of items held: the items pushed so far, at most capacity().
  std::size_t size() const noexcept { return size_; }
  /// The most items it can hold.
  std::size_t capacity() const noexcept { return capacity_; }
  /// True before the first push (and after clear()).
  bool empty() const noexcept { return size_ == 0; }
  /// True once it holds capacity() items: the next push overwrites the oldest.
  bool full() const noexcept { return size_ == capacity_; }

  /// All items held, oldest first, as one contiguous span (valid until the next push or clear).
  std::span<const T> items() const noexcept { return last_unchecked(size_); }

  /// The `count` most recent items, oldest first; throws std::out_of_range when count > size().
  std::span<const T> last(std::size_t count) const {
    if (count > size_) throw std::out_of_range("RingBuffer::last: asked for more items than it holds");
    return last_unchecked(count);
  }

  /// The i-th item held, 0 being the oldest (no bounds check, like std::vector::operator[]).
  const T& operator[](std::size_t i) const noexcept { return items()[i]; }

  /// Forgets every item (the slots keep their memory).
  void clear() noexcept {
    next_ = 0;
    size_ = 0;
  }

 private:
  void advance() noexcept {
    next_ = next_ + 1 == capacity_ ? 0 : next_ + 1;
    if (size_ < capacity_) ++size_;
  }
  // The newest item is at next_ - 1 (mod capacity); its mirror copy at next_ - 1 + capacity makes
  // the run [next_ + capacity - count, next_ + capacity) contiguous and in order.
  std::span<const T> last_unchecked(std::size_t count) const noexcept {
    return {slots_.data() + (next_ + capacity_ - count), count};
  }

  std::size_t capacity_;
  std::size_t next_ = 0;  // slot the next push writes
  std::size_t size_ = 0;
  std::vector<T> slots_;
};

}  // namespace streamlab
