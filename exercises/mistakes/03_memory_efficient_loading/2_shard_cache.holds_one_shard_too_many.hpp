// Exercise 03.2 ★★ — Lazy loading with a bounded cache: keep the shards used most recently
//
// KNOWN MISTAKE: the cache is taken to be full only when it holds more than max_resident shards, so it evicts
//   one shard too late: with room for 2 it holds 3.
//
// Lesson 03's ShardedDataset loads a shard of a dataset only when it is asked for, and keeps at
// most max_resident shards in memory: to load one more, it evicts the least recently USED shard —
// not the first one loaded. With room for 2, asking for shards 3, 5, 3, 0 loads 3, loads 5, finds 3
// in memory (3 is now the most recently used), then loads 0 and evicts 5.
//
// Write shard(index). The shards held are in resident_, most recently used first.
// - Held already: move it to the front (std::list::splice does it without a copy) and return it.
// - Not held: load it with load_(index) and count the load; if the cache is full, evict the least
//   recently used shard first and count the eviction; put the new shard in front; return it.
//
// Check it:  scripts/exercise 03.2        Stuck?  scripts/exercise --hint 03.2
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <utility>
#include <vector>

namespace exercise {

/// One shard of the dataset: its values.
using Shard = std::vector<double>;

/// A dataset of shards loaded on demand, at most max_resident of them in memory at once.
class ShardCache {
 public:
  /// Makes shard `index` (reads it from disk, say).
  using Loader = std::function<Shard(std::size_t index)>;

  /// A cache for up to `max_resident` shards (>= 1), loaded by `load`.
  ShardCache(std::size_t max_resident, Loader load) : max_resident_(max_resident), load_(std::move(load)) {}

  /// Shard `index`: from memory if it is held, else loaded now.
  std::shared_ptr<const Shard> shard(std::size_t index) {
    for (auto it = resident_.begin(); it != resident_.end(); ++it) {
      if (it->first == index) {
        resident_.splice(resident_.begin(), resident_, it);
        return resident_.front().second;
      }
    }
    auto loaded = std::make_shared<const Shard>(load_(index));
    ++loads_;
    if (resident_.size() > max_resident_) {
      resident_.pop_back();
      ++evictions_;
    }
    resident_.emplace_front(index, loaded);
    return loaded;
  }

  /// The shards in memory, most recently used first.
  std::vector<std::size_t> resident() const {
    std::vector<std::size_t> indices;
    for (const auto& entry : resident_) indices.push_back(entry.first);
    return indices;
  }
  /// The most shards it keeps in memory at once.
  std::size_t max_resident() const { return max_resident_; }
  /// How many times a shard was loaded (a shard evicted and asked for again counts twice).
  std::uint64_t loads() const { return loads_; }
  /// How many times a shard was dropped to make room for another.
  std::uint64_t evictions() const { return evictions_; }

 private:
  std::size_t max_resident_;
  Loader load_;
  std::list<std::pair<std::size_t, std::shared_ptr<const Shard>>> resident_;  // front: most recently used
  std::uint64_t loads_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace exercise
