// Partitioning by key: split a batch among parallel workers so each key stays on one, then put their results back in
// input order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace streamlab {

/// Where the items of one batch went when it was split among parts (workers): for each item, in
/// input order, the number of its part. With it the parts' results — each part in its own input
/// order — can be merged back into the batch's order, whichever part finished first.
///
/// Up to 256 parts. A value type: not thread-safe, but it travels with its batch (one thread at a
/// time), e.g. in the batch's first part.
class PartitionRoute {
 public:
  /// The most parts a route can name.
  static constexpr std::size_t max_parts = 256;

  /// Forgets the route (keeps its memory, for the next batch).
  void clear() noexcept { parts_.clear(); }
  /// The next item of the batch went to part `part` (less than max_parts).
  void add(std::size_t part) {
    if (part >= max_parts) throw std::out_of_range("PartitionRoute: at most 256 parts");
    parts_.push_back(static_cast<std::uint8_t>(part));
  }
  /// Items routed.
  std::size_t size() const noexcept { return parts_.size(); }
  /// The part of each item, in input order.
  std::span<const std::uint8_t> parts() const noexcept { return parts_; }

  /// Walks the batch in input order: calls `visit(part, position)` for every item, `position`
  /// being the item's place within its part (0, 1, 2, ... in each part). That is the merge: copy
  /// the result at (part, position) and the results come out in input order.
  template <typename Visit>
  void replay(Visit visit) const {
    std::array<std::size_t, max_parts> next{};  // per part: the position of its next item
    for (const std::uint8_t part : parts_) visit(std::size_t{part}, next[part]++);
  }

 private:
  std::vector<std::uint8_t> parts_;
};

/// Splits `batch` among parts: each item is appended to `part_items(p)` (a `std::vector<T>&`),
/// where `p = part_of(item)`, and `p` is added to `route`. Give the same key the same part — for
/// example `key mod parts`, worked out once per key — and every item of one key lands on one part,
/// in input order: a worker that keeps state per key (a running model, a count) then sees all of
/// its keys' items, in order, whatever the number of workers. `route` is cleared first.
///
/// **Example** (readings split among 4 workers by sensor, results merged back in input order)
/// \code
/// streamlab::PartitionRoute route;
/// streamlab::split_by_key(std::span<const Reading>(batch), [](const Reading& r) { return r.sensor % 4; },
///                         [&](std::size_t p) -> std::vector<Reading>& { return parts[p]; }, route);
/// // ... each worker p scores parts[p] and writes results[p][0], results[p][1], ...
/// route.replay([&](std::size_t p, std::size_t k) { out.push_back(results[p][k]); });
/// \endcode
template <typename T, typename PartOf, typename PartItems>
void split_by_key(std::span<const T> batch, PartOf part_of, PartItems part_items, PartitionRoute& route) {
  route.clear();
  for (const T& item : batch) {
    const std::size_t part = part_of(item);
    part_items(part).push_back(item);
    route.add(part);
  }
}

}  // namespace streamlab
