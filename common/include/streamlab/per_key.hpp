// PerKey: state for each key of a stream (a sensor's statistics, its model), in a vector indexed by
// the key's number, made on first use.
#pragma once

#include <cstddef>
#include <vector>

namespace streamlab {

/// The state of each key, where keys are numbered 0, 1, 2, ... in order of first appearance (as a
/// Dictionary numbers them): `state[key]` makes the state of a key not seen before — and of every
/// key below it — value-initialised, then returns it. A look-up is an index into a vector: no
/// hashing, no node per key. Iteration and size() go in key order over every key made so far.
///
/// Not thread-safe: one thread owns a PerKey (lesson 09 gives each worker its own).
///
/// **Example**
/// \code
/// streamlab::Dictionary sensors;
/// streamlab::PerKey<streamlab::OnlineStats> stats;
/// stats[sensors.intern("s-17")].add(21.5);   // key 0: made here
/// for (const auto& s : stats) fmt::print("{}\n", s.mean());
/// \endcode
template <typename T>
class PerKey {
 public:
  /// The state of `key`, made (with every key below it) on first use.
  T& operator[](std::size_t key) {
    if (key >= states_.size()) states_.resize(key + 1);
    return states_[key];
  }
  /// The state of a key already made (`key < size()`).
  const T& operator[](std::size_t key) const { return states_[key]; }
  /// How many keys have state: one more than the largest key used.
  std::size_t size() const noexcept { return states_.size(); }
  /// The first key's state; iteration goes in key order.
  auto begin() const noexcept { return states_.begin(); }
  /// One past the last key's state.
  auto end() const noexcept { return states_.end(); }

 private:
  std::vector<T> states_;
};

}  // namespace streamlab
