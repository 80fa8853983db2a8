// BoundedQueue<T>: a fixed-capacity queue between threads that blocks, drops the oldest or drops the newest when full.
#pragma once

#include "streamlab/clock.hpp"

#include <algorithm>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace streamlab {

/// What a full BoundedQueue does with one more item.
enum class OverflowPolicy {
  block,        ///< the producer waits for room: backpressure, nothing is lost
  drop_oldest,  ///< the oldest item is discarded to make room (like Python's `deque(maxlen=n)`)
  drop_newest,  ///< the new item is discarded; what is queued stays
};

/// The outcome of one push.
enum class PushResult {
  pushed,          ///< the item is in the queue and nothing was lost
  dropped_oldest,  ///< the item is in the queue; the oldest item was discarded to make room
  dropped_newest,  ///< the queue was full: this item was discarded (drop_newest policy)
  full,            ///< the queue stayed full until the deadline (block policy): the item was not taken
  closed,          ///< the queue is closed: the item was not taken
};

/// A snapshot of a queue's counters, taken under its lock so the numbers agree with each other.
/// At every moment `pushed == popped + dropped + size`.
struct QueueStats {
  std::uint64_t pushed = 0;           ///< items handed to the queue (not refused as full or closed)
  std::uint64_t popped = 0;           ///< items taken out by consumers
  std::uint64_t dropped = 0;          ///< items discarded by the overflow policy
  std::size_t size = 0;               ///< items in the queue now
  std::size_t high_water = 0;         ///< the most items the queue has held at once (never > capacity)
  std::size_t capacity = 0;           ///< the most items it may hold
  std::size_t waiting_producers = 0;  ///< threads blocked in a push right now
  std::size_t waiting_consumers = 0;  ///< threads blocked in a pop right now
};

namespace detail {

/// A FIFO ring of T on raw storage. It starts small and doubles as needed, so a queue with a large
/// capacity only holds memory for the most items it has actually held.
/// Not thread-safe: BoundedQueue uses it under its own mutex.
template <typename T>
class Ring {
 public:
  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring() {
    clear();
    std::allocator<T>{}.deallocate(slots_, slot_count_);
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t slot_count() const noexcept { return slot_count_; }

  template <typename U>
  void push_back(U&& item) {
    if (size_ == slot_count_) grow();
    std::construct_at(slots_ + ((head_ + size_) & (slot_count_ - 1)), std::forward<U>(item));
    ++size_;
  }

  T pop_front() {
    T* slot = slots_ + head_;
    T item = std::move(*slot);
    std::destroy_at(slot);
    head_ = (head_ + 1) & (slot_count_ - 1);
    --size_;
    return item;
  }

  void drop_front() noexcept {
    std::destroy_at(slots_ + head_);
    head_ = (head_ + 1) & (slot_count_ - 1);
    --size_;
  }

  void clear() noexcept {
    while (size_ > 0) drop_front();
  }

 private:
  void grow() {
    const std::size_t bigger = slot_count_ == 0 ? 16 : slot_count_ * 2;  // a power of two: index by mask
    T* fresh = std::allocator<T>{}.allocate(bigger);
    for (std::size_t i = 0; i < size_; ++i) {
      T* old = slots_ + ((head_ + i) & (slot_count_ - 1));
      std::construct_at(fresh + i, std::move(*old));
      std::destroy_at(old);
    }
    std::allocator<T>{}.deallocate(slots_, slot_count_);
    slots_ = fresh;
    slot_count_ = bigger;
    head_ = 0;
  }

  T* slots_ = nullptr;
  std::size_t slot_count_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace detail

/// A bounded queue between any number of producer and consumer threads. It holds at most
/// `capacity` items and, when full, applies its OverflowPolicy: block the producer
/// (backpressure), drop the oldest item, or drop the newest.
///
/// - `push` / `pop` wait as needed; `try_push` / `try_pop` never wait; `push_until`, `push_for`,
///   `pop_until`, `pop_for` wait up to a deadline on the queue's Clock (a ManualClock works: its
///   advances wake the waiters). Under a drop policy a push never waits.
/// - `push_many` / `pop_many` move a whole batch under one lock: far fewer lock round trips than
///   one item at a time.
/// - `close()` ends the stream: it wakes every waiting thread at once; later pushes return
///   PushResult::closed; pops drain what is left, then return nothing (`done()` is then true).
/// - `stats()` counts pushed, popped and dropped items and the high-water mark.
///
/// Waiting threads sleep on condition variables (no spinning), and a thread is only notified when
/// another one is actually waiting for what it did. As with any object, destroy the queue only
/// after every thread that uses it has returned from its last call.
/// Thread-safe: any number of producers and consumers may call every member at once.
///
/// **Example**
/// \code
/// streamlab::BoundedQueue<int> queue{100};                 // block when full
/// std::thread producer([&] {
///   for (int i = 0; i < 1000; ++i) queue.push(i);          // waits while 100 are queued
///   queue.close();                                          // no more items
/// });
/// long sum = 0;
/// while (std::optional<int> item = queue.pop()) sum += *item;   // ends after the last item
/// producer.join();
/// \endcode
template <typename T>
class BoundedQueue {
 public:
  using value_type = T;                  ///< the items' type
  using time_point = Clock::time_point;  ///< a deadline on the queue's clock
  using duration = Clock::duration;      ///< a timeout (nanoseconds)

  /// A queue of at most `capacity` items, with `policy` when full and `clock` for timed waits.
  /// `capacity` must be at least 1 (or std::invalid_argument). The clock must outlive the queue.
  explicit BoundedQueue(std::size_t capacity, OverflowPolicy policy = OverflowPolicy::block,
                        Clock& clock = SteadyClock::instance())
      : capacity_(checked_capacity(capacity)), policy_(policy), clock_(clock) {}

  /// Not copyable: the threads that use a queue share that one queue (by reference).
  BoundedQueue(const BoundedQueue&) = delete;
  /// Not assignable either, for the same reason.
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  /// Adds an item, waiting while the queue is full under `block` (a drop policy never waits).
  /// Returns `pushed`, `dropped_oldest`, `dropped_newest` or `closed`. The item is moved from
  /// only when it goes into the queue.
  template <std::convertible_to<T> U>
  PushResult push(U&& item) {
    return push_one(std::forward<U>(item), Wait::forever, time_point::max());
  }
  /// Like push, but never waits: a full queue under `block` gives `full`.
  template <std::convertible_to<T> U>
  PushResult try_push(U&& item) {
    return push_one(std::forward<U>(item), Wait::no, time_point{});
  }
  /// Like push, but waits for room only until `deadline` on the queue's clock (then `full`).
  template <std::convertible_to<T> U>
  PushResult push_until(U&& item, time_point deadline) {
    return push_one(std::forward<U>(item), Wait::until, deadline);
  }
  /// Like push, but waits for room at most `timeout` on the queue's clock (then `full`).
  template <std::convertible_to<T> U>
  PushResult push_for(U&& item, duration timeout) {
    return push_one(std::forward<U>(item), Wait::until, clock_.now() + timeout);
  }

  /// Takes the oldest item, waiting while the queue is empty. Returns nothing once the queue is
  /// closed and empty: the end of the stream.
  std::optional<T> pop() { return pop_one(Wait::forever, time_point::max()); }
  /// Takes the oldest item if there is one; never waits.
  std::optional<T> try_pop() { return pop_one(Wait::no, time_point{}); }
  /// Like pop, but waits only until `deadline`. Nothing back means the deadline passed or the
  /// stream ended: `done()` tells which. `time_point::max()` waits with no deadline.
  std::optional<T> pop_until(time_point deadline) { return pop_one(Wait::until, deadline); }
  /// Like pop, but waits at most `timeout`.
  std::optional<T> pop_for(duration timeout) { return pop_one(Wait::until, clock_.now() + timeout); }

  /// Adds all of `items` under one lock, waiting for room as needed under `block`.
  /// The items are moved from; a batch larger than the free room goes in in parts as consumers
  /// make room. Returns how many items were handed to the queue: all of them unless it was closed.
  /// Under `drop_newest` the items that did not fit are counted as dropped and left unmoved;
  /// under `drop_oldest` the queue keeps the newest `capacity` items.
  std::size_t push_many(std::span<T> items) { return push_batch(items, Wait::forever, time_point::max()); }
  /// Like push_many, but never waits: under `block` pushes only what fits now.
  std::size_t try_push_many(std::span<T> items) { return push_batch(items, Wait::no, time_point{}); }
  /// Like push_many, but waits for room only until `deadline`.
  std::size_t push_many_until(std::span<T> items, time_point deadline) {
    return push_batch(items, Wait::until, deadline);
  }

  /// Appends up to `max` items to `out` under one lock, waiting while the queue is empty.
  /// Returns how many were taken: 0 only when the queue is closed and empty (or `max` is 0).
  std::size_t pop_many(std::vector<T>& out, std::size_t max) {
    return pop_batch(out, max, Wait::forever, time_point::max());
  }
  /// Like pop_many, but never waits (0 when empty).
  std::size_t try_pop_many(std::vector<T>& out, std::size_t max) { return pop_batch(out, max, Wait::no, time_point{}); }
  /// Like pop_many, but waits only until `deadline` (0 when it passed with nothing, or at the end).
  std::size_t pop_many_until(std::vector<T>& out, std::size_t max, time_point deadline) {
    return pop_batch(out, max, Wait::until, deadline);
  }
  /// Like pop_many, but waits at most `timeout`.
  std::size_t pop_many_for(std::vector<T>& out, std::size_t max, duration timeout) {
    return pop_batch(out, max, Wait::until, clock_.now() + timeout);
  }

  /// Ends the stream, waking every waiting producer and consumer now.
  /// Pushes from now on return `closed`; pops return the items still queued, then nothing.
  /// Closing twice is harmless.
  /// Any thread may close, e.g. a stage that failed, to shut the whole pipeline down. It takes a
  /// mutex, so it is not for a signal handler: on Ctrl-C, close from a thread (one that waits in
  /// `sigwait`, say) instead.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  /// True once close() was called.
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  /// True when the queue is closed and empty: no item will ever come out again.
  bool done() const {
    std::lock_guard lock(mutex_);
    return closed_ && ring_.empty();
  }
  /// Items in the queue now.
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return ring_.size();
  }
  /// The most items the queue holds.
  std::size_t capacity() const noexcept { return capacity_; }
  /// What a push does when the queue is full.
  OverflowPolicy policy() const noexcept { return policy_; }
  /// The clock timed waits use.
  Clock& clock() const noexcept { return clock_; }

  /// The counters, all read at the same moment.
  QueueStats stats() const {
    std::lock_guard lock(mutex_);
    return QueueStats{pushed_,     popped_,   dropped_,           ring_.size(),
                      high_water_, capacity_, waiting_producers_, waiting_consumers_};
  }

 private:
  enum class Wait { no, until, forever };

  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("BoundedQueue: capacity must be at least 1");
    return capacity;
  }

  // Waits on `cv` until `ready()` or the deadline passes; returns ready(). `waiting` counts the
  // threads asleep on `cv`, so that the other side only notifies when someone listens.
  template <typename Ready>
  bool wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, std::size_t& waiting, Wait how,
            time_point deadline, Ready ready) {
    if (ready()) return true;
    if (how == Wait::no) return false;
    ++waiting;
    if (how == Wait::forever || deadline == time_point::max()) {
      do cv.wait(lock);
      while (!ready());
    } else {
      while (!ready() && clock_.now() < deadline) clock_.wait_until(lock, cv, deadline);
    }
    --waiting;
    return ready();
  }

  bool has_room() const noexcept { return ring_.size() < capacity_; }

  void note_size() noexcept { high_water_ = std::max(high_water_, ring_.size()); }

  template <typename U>
  PushResult push_one(U&& item, Wait how, time_point deadline) {
    std::unique_lock lock(mutex_);
    if (closed_) return PushResult::closed;
    PushResult result = PushResult::pushed;
    if (!has_room()) {
      switch (policy_) {
        case OverflowPolicy::drop_newest:
          ++pushed_;
          ++dropped_;
          return PushResult::dropped_newest;
        case OverflowPolicy::drop_oldest:
          ring_.drop_front();
          ++dropped_;
          result = PushResult::dropped_oldest;
          break;
        case OverflowPolicy::block:
          if (!wait(lock, not_full_, waiting_producers_, how, deadline, [this] { return closed_ || has_room(); })) {
            return PushResult::full;
          }
          if (closed_) return PushResult::closed;
          break;
      }
    }
    ring_.push_back(std::forward<U>(item));
    ++pushed_;
    note_size();
    // Notified while the lock is held: a thread that returns from a call never touches the queue
    // again, so the queue may then be destroyed (bench/README.md, BoundedQueue, has the figures
    // against notifying after unlocking).
    if (waiting_consumers_ > 0) not_empty_.notify_one();
    return result;
  }

  std::optional<T> pop_one(Wait how, time_point deadline) {
    std::unique_lock lock(mutex_);
    if (!wait(lock, not_empty_, waiting_consumers_, how, deadline, [this] { return closed_ || !ring_.empty(); })) {
      return std::nullopt;
    }
    if (ring_.empty()) return std::nullopt;  // closed and drained: the end of the stream
    std::optional<T> item{ring_.pop_front()};
    ++popped_;
    if (waiting_producers_ > 0) not_full_.notify_one();
    return item;
  }

  std::size_t push_batch(std::span<T> items, Wait how, time_point deadline) {
    std::unique_lock lock(mutex_);
    std::size_t taken = 0;
    std::size_t added_since_wake = 0;  // items consumers have not been told about yet
    while (taken < items.size() && !closed_) {
      if (!has_room()) {
        if (policy_ == OverflowPolicy::drop_newest) {
          const std::size_t rest = items.size() - taken;
          pushed_ += rest;
          dropped_ += rest;
          taken = items.size();
          break;
        }
        if (policy_ == OverflowPolicy::drop_oldest) {
          ring_.drop_front();
          ++dropped_;
        } else {
          // Before sleeping for room, wake the consumers for what we already added, or both
          // sides could end up waiting for each other.
          if (added_since_wake > 0 && waiting_consumers_ > 0) not_empty_.notify_all();
          added_since_wake = 0;
          if (!wait(lock, not_full_, waiting_producers_, how, deadline, [this] { return closed_ || has_room(); })) {
            break;
          }
          continue;  // re-check closed_
        }
      }
      const std::size_t room = capacity_ - ring_.size();
      const std::size_t count = std::min(room, items.size() - taken);
      for (std::size_t i = 0; i < count; ++i) ring_.push_back(std::move(items[taken + i]));
      taken += count;
      added_since_wake += count;
      pushed_ += count;
      note_size();
    }
    const std::size_t waiting = waiting_consumers_;
    if (added_since_wake > 0 && waiting > 0) {
      if (added_since_wake == 1 || waiting == 1) {
        not_empty_.notify_one();
      } else {
        not_empty_.notify_all();
      }
    }
    return taken;
  }

  std::size_t pop_batch(std::vector<T>& out, std::size_t max, Wait how, time_point deadline) {
    if (max == 0) return 0;
    std::unique_lock lock(mutex_);
    if (!wait(lock, not_empty_, waiting_consumers_, how, deadline, [this] { return closed_ || !ring_.empty(); })) {
      return 0;
    }
    const std::size_t count = std::min(max, ring_.size());
    for (std::size_t i = 0; i < count; ++i) out.push_back(ring_.pop_front());
    popped_ += count;
    const std::size_t waiting = waiting_producers_;
    if (count > 0 && waiting > 0) {
      if (count == 1 || waiting == 1) {
        not_full_.notify_one();
      } else {
        not_full_.notify_all();
      }
    }
    return count;
  }

  const std::size_t capacity_;
  const OverflowPolicy policy_;
  Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable not_empty_;  // consumers wait here
  std::condition_variable not_full_;   // producers wait here (block policy)
  ClockWatch watch_not_empty_{clock_, mutex_, not_empty_};
  ClockWatch watch_not_full_{clock_, mutex_, not_full_};

  detail::Ring<T> ring_;
  bool closed_ = false;
  std::uint64_t pushed_ = 0;
  std::uint64_t popped_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t high_water_ = 0;
  std::size_t waiting_producers_ = 0;
  std::size_t waiting_consumers_ = 0;
};

}  // namespace streamlab
