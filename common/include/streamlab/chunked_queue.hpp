// ChunkedQueue<T>: a bounded queue between two threads that moves items in chunks — one lock and no copy per chunk.
#pragma once

#include "streamlab/bounded_queue.hpp"
#include "streamlab/clock.hpp"

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace streamlab {

/// A queue for a fast stream of small items from one producer thread to one consumer thread. A
/// BoundedQueue takes a lock (and may wake a thread) for every item; at millions of items a second
/// that is most of the cost. This queue gathers the producer's items into a chunk (a
/// `std::vector<T>` of `chunk_size` items) and moves the whole chunk through a
/// `BoundedQueue<std::vector<T>>`: one lock, no copy, per chunk. Emptied chunks go back to the
/// producer to be filled again, so a long stream allocates nothing after its first few chunks.
///
/// - Producer: `push(item)` hands the chunk on when it is full, waiting while the queue is full
///   (backpressure); `flush()` hands on a partial chunk — call it before the producer itself may
///   wait (for a slow input, say), so that the items it has do not wait with it; `close()` ends
///   the stream.
/// - Consumer: `front_until(deadline)` gives the items not yet taken, as a span into the current
///   chunk (waiting for the next chunk until `deadline` when there are none), and `pop(n)` takes
///   the first n. `next_batch(queue, batcher)` (adaptive_batcher.hpp) does this for a batching stage.
/// - `cancel()`, from any thread, stops both sides at once (a failed stage): a waiting push
///   returns false, a waiting front_until returns an empty span, and done() becomes true.
///
/// Capacity counts items, rounded up to whole chunks. One producer thread and one consumer thread
/// (each side's calls from one thread); cancel() and done() from any thread.
///
/// **Example**
/// \code
/// streamlab::ChunkedQueue<Reading> readings{8192, 4096};   // two chunks of 4096 in the queue
/// // producer thread:
/// while (auto r = read_one()) if (!readings.push(*r)) break;   // false: the consumer cancelled
/// readings.close();
/// // consumer thread:
/// for (;;) {
///   std::span<Reading> items = readings.front_until(streamlab::Clock::time_point::max());
///   if (items.empty()) break;                                   // closed and drained
///   for (Reading& r : items) use(r);
///   readings.pop(items.size());
/// }
/// \endcode
template <typename T>
class ChunkedQueue {
 public:
  using time_point = Clock::time_point;  ///< a deadline on the queue's clock

  /// Room for `capacity` items (at least 1), moved in chunks of `chunk_size` items (at least 1);
  /// timed waits on `clock`, which must outlive the queue. std::invalid_argument on a size of 0.
  ChunkedQueue(std::size_t capacity, std::size_t chunk_size, Clock& clock = SteadyClock::instance())
      : chunk_size_(checked(chunk_size, "chunk size")),
        full_((checked(capacity, "capacity") + chunk_size - 1) / chunk_size, OverflowPolicy::block, clock),
        spare_(full_.capacity() + 2) {
    filling_.reserve(chunk_size_);
  }
  ChunkedQueue(const ChunkedQueue&) = delete;
  ChunkedQueue& operator=(const ChunkedQueue&) = delete;

  // ---- the producer's side ----

  /// Adds an item to the chunk being filled, and hands the chunk on when it is full (waiting while
  /// the queue is full). Returns false when the queue has been cancelled or closed: the item is lost.
  bool push(T item) {
    filling_.push_back(std::move(item));
    return filling_.size() < chunk_size_ || flush();
  }

  /// Hands on the chunk being filled now, however few items it holds (nothing to do when it is
  /// empty). Returns false when the queue has been cancelled or closed.
  bool flush() {
    if (filling_.empty()) return true;
    if (full_.push(std::move(filling_)) == PushResult::closed) {
      filling_.clear();  // moved-from or refused: start afresh either way
      return false;
    }
    if (auto spare = spare_.try_pop()) {
      filling_ = std::move(*spare);  // emptied by the consumer, with room for a chunk
    } else {
      filling_ = std::vector<T>();
      filling_.reserve(chunk_size_);
    }
    return true;
  }

  /// Hands on what is left and ends the stream: the consumer takes the rest, then sees done().
  void close() {
    flush();
    full_.close();
  }

  // ---- the consumer's side ----

  /// The items of the current chunk not yet taken (pop() takes them). When there are none, waits
  /// for the next chunk until `deadline`: an empty span means the deadline passed or the stream
  /// ended (see done()). The span stays valid until the next call to front_until(); its items
  /// may be moved from.
  std::span<T> front_until(time_point deadline) {
    if (taken_ == reading_.size()) {
      if (reading_.capacity() != 0) {
        reading_.clear();
        spare_.try_push(std::move(reading_));  // back to the producer; freed if it has enough
      }
      reading_ = std::vector<T>();
      taken_ = 0;
      if (auto chunk = full_.pop_until(deadline)) reading_ = std::move(*chunk);
    }
    return std::span<T>(reading_).subspan(taken_);
  }
  /// front_until() without a deadline: waits until there are items or the stream has ended.
  std::span<T> front() { return front_until(time_point::max()); }

  /// Takes the first `n` items of front() (n at most its size).
  void pop(std::size_t n) {
    if (n > reading_.size() - taken_) throw std::out_of_range("ChunkedQueue::pop: more items than front() holds");
    taken_ += n;
  }

  /// True when the stream has ended (closed or cancelled) and the consumer has taken every item.
  bool done() const { return taken_ == reading_.size() && full_.done(); }

  // ---- either side ----

  /// Stops both sides at once, as when a stage fails: pushes return false, and the consumer no
  /// longer waits — it gets the chunks already queued, then an empty span, and done() is true.
  void cancel() {
    full_.close();
    spare_.close();
  }

  /// The clock timed waits use.
  Clock& clock() const noexcept { return full_.clock(); }
  /// Items per chunk.
  std::size_t chunk_size() const noexcept { return chunk_size_; }
  /// Chunks the queue holds at most.
  std::size_t capacity_in_chunks() const noexcept { return full_.capacity(); }

 private:
  static std::size_t checked(std::size_t n, const char* what) {
    if (n == 0) throw std::invalid_argument(std::string("ChunkedQueue: ") + what + " must be at least 1");
    return n;
  }

  const std::size_t chunk_size_;
  BoundedQueue<std::vector<T>> full_;   // filled chunks, producer → consumer
  BoundedQueue<std::vector<T>> spare_;  // emptied chunks, consumer → producer
  // The producer's and the consumer's own state, each on its own cache line: the producer writes
  // filling_ for every item, and the consumer's thread must not have to fetch that line back.
  alignas(64) std::vector<T> filling_;  // the producer's chunk being filled
  alignas(64) std::vector<T> reading_;  // the consumer's current chunk
  std::size_t taken_ = 0;               // items of reading_ already taken
};

}  // namespace streamlab
