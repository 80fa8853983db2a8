// ObjectPool<T>: a bounded set of reusable objects handed between threads, so a pipeline makes them once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace streamlab {

/// At most `limit` objects, made when first needed and then passed around again and again: a
/// stage acquires one, fills it and sends it down the pipeline; the last stage releases it, and it
/// comes back to be filled once more. A pipeline whose batches carry big vectors and strings then
/// allocates nothing per batch — no `malloc`, and no page faults on memory touched for the first
/// time — and, because acquire() waits while all `limit` are out, the pool also bounds how many
/// batches are in flight: memory stays flat however long the stream.
///
/// An object comes back as it was released (its vectors keep their capacity and their items):
/// the one who acquires it resets what it uses. Thread-safe: any thread may acquire and release.
///
/// **Example**
/// \code
/// streamlab::ObjectPool<Batch> batches{8};        // at most 8 batches exist
/// // producer:                                     // consumer (another thread):
/// auto batch = batches.acquire();                  // while (auto batch = queue.pop()) {
/// batch->items.clear();                            //   write(*batch);
/// fill(*batch);                                    //   batches.release(std::move(*batch));
/// queue.push(std::move(*batch));                   // }
/// \endcode
template <typename T>
class ObjectPool {
 public:
  /// A pool of at most `limit` objects (at least 1, or std::invalid_argument), each made by
  /// `make` when no released one is waiting and fewer than `limit` exist.
  explicit ObjectPool(
      std::size_t limit, std::function<T()> make = [] { return T(); })
      : limit_(limit), make_(std::move(make)) {
    if (limit == 0) throw std::invalid_argument("ObjectPool: limit must be at least 1");
  }
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  /// A released object if one is waiting, else a new one if fewer than limit() exist, else waits
  /// until one is released. Nothing once the pool is closed.
  std::optional<T> acquire() {
    std::unique_lock lock{mutex_};
    for (;;) {
      if (closed_) return std::nullopt;
      if (!spares_.empty()) {
        std::optional<T> object{std::move(spares_.back())};
        spares_.pop_back();
        return object;
      }
      if (created_ < limit_) break;
      ++waiting_;
      released_.wait(lock);
      --waiting_;
    }
    ++created_;
    lock.unlock();
    try {
      return std::optional<T>{make_()};  // made outside the lock: it may allocate a lot
    } catch (...) {
      std::lock_guard undo{mutex_};
      --created_;
      throw;
    }
  }

  /// A released object if one is waiting, else a new one if fewer than limit() exist; never waits.
  std::optional<T> try_acquire() {
    std::unique_lock lock{mutex_};
    if (closed_) return std::nullopt;
    if (!spares_.empty()) {
      std::optional<T> object{std::move(spares_.back())};
      spares_.pop_back();
      return object;
    }
    if (created_ == limit_) return std::nullopt;
    ++created_;
    lock.unlock();
    return std::optional<T>{make_()};
  }

  /// Gives an object back, for a later acquire(). Never waits.
  void release(T object) {
    std::unique_lock lock{mutex_};
    spares_.push_back(std::move(object));
    const bool wake = waiting_ > 0;
    lock.unlock();
    if (wake) released_.notify_one();
  }

  /// Ends the pool's use: acquire() returns nothing from now on, and threads waiting in it wake.
  /// For shutting a pipeline down when a stage fails.
  void close() {
    {
      std::lock_guard lock{mutex_};
      closed_ = true;
    }
    released_.notify_all();
  }

  /// The most objects that may exist.
  std::size_t limit() const noexcept { return limit_; }
  /// Objects made so far (at most limit()).
  std::size_t created() const {
    std::lock_guard lock{mutex_};
    return created_;
  }
  /// Objects released and waiting to be acquired again.
  std::size_t available() const {
    std::lock_guard lock{mutex_};
    return spares_.size();
  }

 private:
  const std::size_t limit_;
  std::function<T()> make_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::vector<T> spares_;
  std::size_t created_ = 0;
  std::size_t waiting_ = 0;
  bool closed_ = false;
};

}  // namespace streamlab
