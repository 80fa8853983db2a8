// ShardedDataset<T>: a dataset in shards loaded on demand, at most a few of them in memory (least recently used out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace streamlab {

/// A dataset split into shards that are loaded on demand by `load(index)`, of which at most
/// `max_resident` stay in memory: asking for one more evicts the least recently used. Memory is
/// bounded by max_resident shards whatever the dataset's size (plus shards callers still hold:
/// a shard is a shared_ptr, so evicting it never pulls it from under a caller).
///
/// Thread-safe: one mutex guards the cache, and a load runs under it, so each shard is loaded
/// once even when threads ask for it together (loads are serialised; fine for a teaching cache).
/// Lazy loading of a single value is LazyLoaded (lazy_loaded.hpp).
///
/// **Example**
/// \code
/// streamlab::ShardedDataset<std::vector<float>> dataset{100, 2, [](std::size_t i) { return read_shard(i); }};
/// auto shard = dataset.shard(42);     // loaded now; at most two shards are ever held
/// \endcode
template <typename T>
class ShardedDataset {
 public:
  /// Makes shard `index` (reads it from disk, say).
  using Loader = std::function<T(std::size_t index)>;

  /// Throws std::invalid_argument if max_resident is 0 or load is empty.
  ShardedDataset(std::size_t shard_count, std::size_t max_resident, Loader load)
      : shard_count_(shard_count), max_resident_(max_resident), load_(std::move(load)) {
    if (max_resident_ == 0) throw std::invalid_argument("ShardedDataset: max_resident must be at least 1");
    if (!load_) throw std::invalid_argument("ShardedDataset: no loader");
  }

  /// Shard `index`, loaded now if it is not in memory; throws std::out_of_range past the end.
  std::shared_ptr<const T> shard(std::size_t index) {
    if (index >= shard_count_) {
      throw std::out_of_range("ShardedDataset: shard " + std::to_string(index) + " of " + std::to_string(shard_count_));
    }
    std::lock_guard lock(mutex_);
    for (auto it = resident_.begin(); it != resident_.end(); ++it) {
      if (it->first == index) {
        resident_.splice(resident_.begin(), resident_, it);  // now the most recently used
        return resident_.front().second;
      }
    }
    auto loaded = std::make_shared<const T>(load_(index));
    ++loads_;
    if (resident_.size() == max_resident_) {
      resident_.pop_back();
      ++evictions_;
    }
    resident_.emplace_front(index, loaded);
    return loaded;
  }

  /// How many shards the dataset has.
  std::size_t shard_count() const noexcept { return shard_count_; }
  /// The most shards kept in memory at once.
  std::size_t max_resident() const noexcept { return max_resident_; }
  /// How many times a shard was loaded (a shard evicted and asked for again counts twice).
  std::uint64_t loads() const {
    std::lock_guard lock(mutex_);
    return loads_;
  }
  /// How many times a shard was dropped to make room for another.
  std::uint64_t evictions() const {
    std::lock_guard lock(mutex_);
    return evictions_;
  }
  /// The shards in memory, most recently used first.
  std::vector<std::size_t> resident() const {
    std::lock_guard lock(mutex_);
    std::vector<std::size_t> indices;
    for (const auto& entry : resident_) indices.push_back(entry.first);
    return indices;
  }

 private:
  std::size_t shard_count_;
  std::size_t max_resident_;
  Loader load_;
  mutable std::mutex mutex_;
  std::list<std::pair<std::size_t, std::shared_ptr<const T>>> resident_;  // front: most recently used
  std::uint64_t loads_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace streamlab
