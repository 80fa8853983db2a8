// AdaptiveBatcher<T>: groups a stream into batches that close when full or when their oldest item has waited too long.
#pragma once

#include "streamlab/bounded_queue.hpp"
#include "streamlab/chunked_queue.hpp"
#include "streamlab/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace streamlab {

/// Why a batch was handed out.
enum class FlushReason {
  size,     ///< it reached the batch size
  timeout,  ///< its oldest item had waited `timeout`
  close,    ///< the stream ended (flush() at the end)
};

/// Collects items into batches: a batch is handed out as soon as it holds `batch_size` items, or
/// as soon as its oldest item has waited `timeout` — so under heavy traffic batches are full and
/// cheap per item, and under light traffic no item waits longer than the timeout. This is the
/// seed's `if len(batch) >= batch_size or timeout_reached`.
///
/// The batcher itself never blocks and belongs to one thread (the stage that batches). It only
/// reads its Clock: `deadline()` says when the pending batch falls due, for the stage to wait on
/// its input with, e.g. `queue.pop_until(batcher.deadline())`. `next_batch(queue, batcher)` below
/// is that loop, ready made, for a BoundedQueue of items and for a ChunkedQueue alike.
///
/// **Example**
/// \code
/// streamlab::AdaptiveBatcher<Reading> batcher{64, std::chrono::milliseconds(50)};
/// for (;;) {
///   std::optional<Reading> reading = input.pop_until(batcher.deadline());
///   if (reading) {
///     if (auto batch = batcher.add(std::move(*reading))) process_batch(*batch);   // full
///   } else if (input.done()) {
///     break;
///   } else if (auto batch = batcher.flush_if_due()) {
///     process_batch(*batch);                                                      // timed out
///   }
/// }
/// if (auto rest = batcher.flush()) process_batch(*rest);                          // the end
/// \endcode
template <typename T>
class AdaptiveBatcher {
 public:
  using time_point = Clock::time_point;  ///< a time on the batcher's clock
  using duration = Clock::duration;      ///< nanoseconds

  /// Batches of at most `batch_size` items (>= 1), handed out at the latest `timeout` (>= 0) after
  /// their first item arrived, timed on `clock` (which must outlive the batcher).
  AdaptiveBatcher(std::size_t batch_size, duration timeout, Clock& clock = SteadyClock::instance())
      : batch_size_(batch_size), timeout_(timeout), clock_(clock) {
    if (batch_size == 0) throw std::invalid_argument("AdaptiveBatcher: batch size must be at least 1");
    if (timeout < duration::zero()) throw std::invalid_argument("AdaptiveBatcher: timeout cannot be negative");
    pending_.reserve(batch_size);
  }

  /// Adds an item. Returns the batch when it is now full or its oldest item has waited `timeout`
  /// (the new item rides along); otherwise nothing.
  std::optional<std::vector<T>> add(T item) { return add(std::move(item), clock_.now()); }

  /// Adds an item that arrived at `now` (a time read from clock()). A stage that takes items in
  /// bursts reads the clock once per burst and passes it here: at millions of items a second, a
  /// clock read per item is a noticeable share of the work.
  std::optional<std::vector<T>> add(T item, time_point now) {
    if (pending_.empty()) first_arrival_ = now;
    pending_.push_back(std::move(item));
    if (pending_.size() >= batch_size_) return take(FlushReason::size);
    if (now >= deadline()) return take(FlushReason::timeout);
    return std::nullopt;
  }

  /// Returns the pending batch if its oldest item has waited `timeout` or longer.
  std::optional<std::vector<T>> flush_if_due() {
    if (pending_.empty() || clock_.now() < deadline()) return std::nullopt;
    return take(FlushReason::timeout);
  }

  /// Gives back the vector of a batch that has been used up, to hold a later batch: the batcher
  /// clears it and fills it again instead of allocating a new one. Optional. A pipeline whose
  /// batches come back to the batching stage when done saves an allocation per batch — and, for
  /// big batches, the page faults of touching fresh memory. A vector too small for a batch is
  /// not kept (it stays with the caller, to be freed), and at most a few are kept.
  void recycle(std::vector<T>&& storage) {
    constexpr std::size_t max_spares = 4;
    if (storage.capacity() < batch_size_ || spares_.size() >= max_spares) return;
    storage.clear();
    spares_.push_back(std::move(storage));
  }

  /// Returns whatever is pending (nothing if empty): call it when the stream ends.
  std::optional<std::vector<T>> flush() {
    if (pending_.empty()) return std::nullopt;
    return take(FlushReason::close);
  }

  /// When the pending batch falls due: its first item's arrival plus `timeout`, or
  /// `time_point::max()` (never) while nothing is pending.
  time_point deadline() const noexcept { return pending_.empty() ? time_point::max() : first_arrival_ + timeout_; }

  /// Items waiting in the current batch.
  std::size_t pending() const noexcept { return pending_.size(); }
  /// How many more items the current batch takes before it is full.
  std::size_t room() const noexcept { return batch_size_ - pending_.size(); }
  /// The most items a batch holds.
  std::size_t batch_size() const noexcept { return batch_size_; }
  /// The longest an item waits in a batch before the batch is handed out.
  duration timeout() const noexcept { return timeout_; }
  /// The clock the timeout is measured on.
  Clock& clock() const noexcept { return clock_; }
  /// Why the last batch was handed out (size before the first one).
  FlushReason last_reason() const noexcept { return last_reason_; }

  /// Batches handed out because they were full.
  std::uint64_t batches_by_size() const noexcept { return by_size_; }
  /// Batches handed out because their oldest item had waited the timeout.
  std::uint64_t batches_by_timeout() const noexcept { return by_timeout_; }
  /// Batches handed out by flush() (the end of the stream).
  std::uint64_t batches_by_close() const noexcept { return by_close_; }

 private:
  std::vector<T> take(FlushReason reason) {
    last_reason_ = reason;
    switch (reason) {
      case FlushReason::size:
        ++by_size_;
        break;
      case FlushReason::timeout:
        ++by_timeout_;
        break;
      case FlushReason::close:
        ++by_close_;
        break;
    }
    std::vector<T> batch = std::move(pending_);
    if (!spares_.empty()) {  // a recycled vector: already cleared, with room for a batch
      pending_ = std::move(spares_.back());
      spares_.pop_back();
    } else {
      pending_ = std::vector<T>();  // a moved-from vector is valid but unspecified: start afresh
      pending_.reserve(batch_size_);
    }
    return batch;
  }

  const std::size_t batch_size_;
  const duration timeout_;
  Clock& clock_;
  std::vector<T> pending_;
  std::vector<std::vector<T>> spares_;  // recycled vectors for the next batches
  time_point first_arrival_{};
  FlushReason last_reason_ = FlushReason::size;
  std::uint64_t by_size_ = 0;
  std::uint64_t by_timeout_ = 0;
  std::uint64_t by_close_ = 0;
};

/// The batching stage's loop in one call: takes items from `input` into `batcher` and returns the
/// next batch — full, timed out, or at the end of the stream the rest. Returns nothing once `input`
/// is closed and drained and nothing is pending. While it waits for input it sleeps until the
/// pending batch's deadline, so a lone item still leaves within the timeout.
///
/// `input` and `batcher` must use the same clock (std::invalid_argument otherwise).
///
/// **Example** (a stage thread: items in, batches out; closing `input` ends it)
/// \code
/// while (auto batch = streamlab::next_batch(input, batcher)) batches.push(std::move(*batch));
/// batches.close();
/// \endcode
template <typename T>
std::optional<std::vector<T>> next_batch(BoundedQueue<T>& input, AdaptiveBatcher<T>& batcher) {
  if (&input.clock() != &batcher.clock()) {
    throw std::invalid_argument("next_batch: the queue and the batcher must use the same clock");
  }
  for (;;) {
    if (auto due = batcher.flush_if_due()) return due;
    if (std::optional<T> item = input.pop_until(batcher.deadline())) {
      if (auto batch = batcher.add(std::move(*item))) return batch;
    } else if (input.done()) {
      return batcher.flush();
    }
  }
}

/// next_batch() for a ChunkedQueue: the same batches — full, timed out, or the rest at the end —
/// from a stream that moves between threads in chunks. Items are moved from the chunks into the
/// batch, and the clock is read once per chunk, not once per item. Chunks and batches need not
/// line up: a batch may end inside a chunk (the rest of the chunk starts the next batch) or take
/// items from several.
///
/// **Example** (chunks of readings in, batches of up to 8192 or 50 ms out)
/// \code
/// streamlab::ChunkedQueue<Reading> readings{8192, 4096};
/// streamlab::AdaptiveBatcher<Reading> batcher{8192, std::chrono::milliseconds(50)};
/// while (auto batch = streamlab::next_batch(readings, batcher)) process(*batch);
/// \endcode
template <typename T>
std::optional<std::vector<T>> next_batch(ChunkedQueue<T>& input, AdaptiveBatcher<T>& batcher) {
  if (&input.clock() != &batcher.clock()) {
    throw std::invalid_argument("next_batch: the queue and the batcher must use the same clock");
  }
  for (;;) {
    if (auto due = batcher.flush_if_due()) return due;
    const std::span<T> items = input.front_until(batcher.deadline());
    if (items.empty()) {
      if (input.done()) return batcher.flush();
      continue;  // the deadline passed: flush_if_due() hands the batch out
    }
    const auto now = batcher.clock().now();  // when these items arrived, for all of them
    std::size_t taken = 0;
    for (T& item : items) {
      ++taken;
      if (auto batch = batcher.add(std::move(item), now)) {
        input.pop(taken);
        return batch;
      }
    }
    input.pop(taken);
  }
}

}  // namespace streamlab
