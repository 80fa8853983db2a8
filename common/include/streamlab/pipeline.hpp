// Pipelines: named, reusable stages (map, filter, take, tap) composed with `|` over any input range.
#pragma once

#include "streamlab/generator.hpp"

#include <concepts>
#include <cstddef>
#include <functional>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>

namespace streamlab {

/// A named step of a pipeline: applied to an input range it gives a lazy Generator of the results.
/// Stages compose with `|` into a longer stage whose name lists the steps (`square → filter_even`),
/// so a pipeline can be named, stored, printed and reused on many inputs.
///
/// Why generators and not only `std::views`? Both are lazy, and `std::views` work here too: a
/// Generator is an input range and a view (single pass: each element is made on demand and not
/// kept, so it cannot be walked twice), so `gen | std::views::take(3)` is fine. But
/// `views::transform(f) | views::filter(p)` calls `f` twice for every element that passes the
/// filter (once for the predicate, once for the consumer), which a costly or traced step must
/// avoid; a stage computes each element exactly once and hands it on. Stages are single-pass and
/// lazy: nothing runs until the consumer pulls, and each element travels through every stage
/// before the next one is read.
/// Thread-safe to share (it is an immutable recipe); each Generator it makes belongs to one thread.
///
/// **Example**
/// \code
/// auto square = streamlab::map("square", [](int x) { return x * x; });
/// auto filter_even = streamlab::filter("filter_even", [](int x) { return x % 2 == 0; });
/// auto pipeline = square | filter_even;                  // pipeline.name() == "square → filter_even"
/// for (int x : std::views::iota(0, 10) | pipeline) fmt::print("{} ", x);   // 0 4 16 36 64
/// \endcode
template <typename Apply>
class Stage {
 public:
  /// A stage called `name` that turns a view into a Generator with `apply` (see map(), filter()).
  Stage(std::string name, Apply apply) : name_(std::move(name)), apply_(std::move(apply)) {}

  /// The stage's name; a composed stage's name lists its steps with ` → `.
  const std::string& name() const noexcept { return name_; }

  /// Applies the stage to `range` (a container is borrowed, so it must outlive the result; a
  /// Generator or other view is moved in).
  template <std::ranges::viewable_range R>
  requires std::ranges::input_range<R>
  auto operator()(R&& range) const { return apply_(std::views::all(std::forward<R>(range))); }

 private:
  std::string name_;
  Apply apply_;
};

/// `range | stage`: the stage applied to the range.
template <std::ranges::viewable_range R, typename Apply>
requires std::ranges::input_range<R>
auto operator|(R&& range, const Stage<Apply>& stage) { return stage(std::forward<R>(range)); }

/// `first | second`: one stage that runs `first`, then `second`.
template <typename A, typename B>
auto operator|(Stage<A> first, Stage<B> second) {
  std::string name = first.name() + " → " + second.name();
  return Stage(std::move(name), [first = std::move(first), second = std::move(second)](auto view) {
    return second(first(std::move(view)));
  });
}

namespace detail {

template <typename V, typename F>
using mapped_t = std::remove_cvref_t<std::invoke_result_t<F&, std::ranges::range_reference_t<V>>>;

// Coroutine parameters are taken by value: the generator outlives this call (CP.53).
template <std::ranges::input_range V, typename F>
Generator<mapped_t<V, F>> map_elements(V view, F f) {
  for (auto&& element : view) co_yield std::invoke(f, std::forward<decltype(element)>(element));
}

template <std::ranges::input_range V, typename P>
Generator<std::ranges::range_value_t<V>> filter_elements(V view, P keep) {
  for (auto&& element : view) {
    if (std::invoke(keep, std::as_const(element))) co_yield std::forward<decltype(element)>(element);
  }
}

template <std::ranges::input_range V>
Generator<std::ranges::range_value_t<V>> take_elements(V view, std::size_t count) {
  if (count == 0) co_return;
  std::size_t taken = 0;
  for (auto&& element : view) {
    co_yield std::forward<decltype(element)>(element);
    if (++taken == count) co_return;  // stop before pulling one more from upstream
  }
}

template <std::ranges::input_range V, typename F>
Generator<std::ranges::range_value_t<V>> tap_elements(V view, F see) {
  for (auto&& element : view) {
    std::invoke(see, std::as_const(element));
    co_yield std::forward<decltype(element)>(element);
  }
}

}  // namespace detail

/// A stage that yields `f(x)` for every element `x`.
template <typename F>
auto map(std::string name, F f) {
  return Stage(std::move(name), [f = std::move(f)](auto view) { return detail::map_elements(std::move(view), f); });
}

/// A stage that yields the elements for which `keep(x)` is true.
template <typename P>
auto filter(std::string name, P keep) {
  return Stage(std::move(name),
               [keep = std::move(keep)](auto view) { return detail::filter_elements(std::move(view), keep); });
}

/// A stage that yields the first `count` elements and then stops pulling from upstream.
inline auto take(std::size_t count) {
  return Stage("take(" + std::to_string(count) + ")",
               [count](auto view) { return detail::take_elements(std::move(view), count); });
}

/// A stage that calls `see(x)` on every element as it passes and yields it unchanged (for tracing).
template <typename F>
auto tap(std::string name, F see) {
  return Stage(std::move(name),
               [see = std::move(see)](auto view) { return detail::tap_elements(std::move(view), see); });
}

}  // namespace streamlab
