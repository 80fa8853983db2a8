// Reservoir sampling: a uniform random sample of k items from a stream of unknown length.
#pragma once

#include "streamlab/random.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace streamlab {

/// Keeps a uniform random sample of up to `k` items from a stream whose length is not known in
/// advance (Vitter's Algorithm R): the first k items fill the reservoir; the n-th item after that
/// replaces a random slot with probability k / n. At any moment every item seen so far is in the
/// sample with the same probability, k / n. Memory: k items. Seeded, so runs repeat exactly.
/// Not thread-safe: one reservoir per stream.
///
/// **Example**
/// \code
/// streamlab::Reservoir<int> sample{5, 42};   // 5 items, seed 42
/// for (int i = 0; i < 1000; ++i) sample.add(i);
/// for (int x : sample.items()) fmt::print("{} ", x);   // 5 of the 1000, each equally likely
/// \endcode
template <typename T>
class Reservoir {
 public:
  /// A reservoir of `k` items; throws std::invalid_argument when k is 0.
  Reservoir(std::size_t k, std::uint64_t seed) : k_(k), rng_(seed) {
    if (k == 0) throw std::invalid_argument("Reservoir: sample size must be at least 1");
    items_.reserve(k);
  }

  /// Offers one item to the sample.
  void add(T item) {
    ++seen_;
    if (items_.size() < k_) {
      items_.push_back(std::move(item));
      return;
    }
    const auto slot = static_cast<std::uint64_t>(rng_.uniform_int(0, static_cast<std::int64_t>(seen_ - 1)));
    if (slot < k_) items_[slot] = std::move(item);
  }

  /// The sample: min(k, seen()) items, in no particular order.
  std::span<const T> items() const noexcept { return items_; }
  /// Items offered so far.
  std::uint64_t seen() const noexcept { return seen_; }
  /// The sample size asked for (k).
  std::size_t capacity() const noexcept { return k_; }

 private:
  std::size_t k_;
  std::uint64_t seen_ = 0;
  Random rng_;
  std::vector<T> items_;
};

}  // namespace streamlab
