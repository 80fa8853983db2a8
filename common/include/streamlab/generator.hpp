// Generator<T>: a C++20 coroutine that produces a stream of values lazily, one at a time.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace streamlab {

/// A lazily evaluated, single-pass stream of `T` values produced by a coroutine.
///
/// A function becomes a generator by returning `Generator<T>` and using `co_yield`. Nothing runs
/// until the first element is asked for; each `co_yield` hands one value to the consumer and
/// suspends until the consumer asks for the next one. Memory use is one value, not the whole
/// sequence. The API follows C++23 `std::generator` closely, so code moves over unchanged later.
///
/// - Move-only: a generator owns its coroutine frame and destroys it in its destructor, so breaking
///   out of a loop early releases everything the coroutine held (its locals' destructors run).
/// - Single pass: `begin()` may be called once. It is an input range (and a view), so it works with
///   range-for and with `std::views` adaptors.
/// - An exception thrown inside the coroutine is rethrown to the consumer from `begin()` or `++it`.
/// - Take parameters by value: a generator outlives the call that created it, so a reference
///   parameter would dangle (C++ Core Guidelines CP.53).
/// Not thread-safe: one thread at a time steps a generator (another may take it between steps).
///
/// **Example**
/// \code
/// streamlab::Generator<int> count_up(int n) {
///   for (int i = 0; i < n; ++i) co_yield i;
/// }
/// for (int x : count_up(3)) fmt::print("{} ", x);   // 0 1 2
/// \endcode
template <typename T>
class Generator : public std::ranges::view_base {
  static_assert(std::is_object_v<T> && !std::is_const_v<T>,
                "Generator<T> yields values: T must be a non-const object type");

 public:
  class promise_type;
  class iterator;
  using value_type = T;  ///< the type of the values yielded
  using reference = T&;  ///< what dereferencing an iterator gives

  /// Takes over the coroutine of `other`, which is left empty.

  Generator(Generator&& other) noexcept : coroutine_(std::exchange(other.coroutine_, {})) {}
  /// Replaces this generator's coroutine (destroying it) with `other`'s.
  Generator& operator=(Generator other) noexcept {
    std::swap(coroutine_, other.coroutine_);
    return *this;
  }
  /// Destroys the coroutine frame, running the destructors of the coroutine's locals.
  ~Generator() {
    if (coroutine_) coroutine_.destroy();
  }

  /// Runs the coroutine up to its first `co_yield`. May be called only once (single pass).
  iterator begin() {
    if (!coroutine_ || coroutine_.promise().started_) throw std::logic_error("Generator::begin() called twice");
    coroutine_.promise().started_ = true;
    coroutine_.resume();
    coroutine_.promise().rethrow_if_failed();
    return iterator{coroutine_};
  }
  /// The end of the stream: an iterator equals it once the coroutine has returned.
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  using handle = std::coroutine_handle<promise_type>;
  explicit Generator(handle h) noexcept : coroutine_(h) {}
  handle coroutine_;
};

/// The coroutine's promise: where the current value and a pending exception are kept.
template <typename T>
class Generator<T>::promise_type {
 public:
  /// Makes the Generator that owns this coroutine.
  Generator get_return_object() noexcept { return Generator{handle::from_promise(*this)}; }
  /// Lazy start: nothing runs until the first begin().
  std::suspend_always initial_suspend() const noexcept { return {}; }
  /// Stays suspended at the end, so the Generator can see that it is done and destroy it.
  std::suspend_always final_suspend() const noexcept { return {}; }
  /// Reaching the end of the coroutine ends the stream.
  void return_void() const noexcept {}
  /// Keeps an exception thrown in the coroutine, to rethrow it to the consumer.
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }

  /// `co_yield value` of an rvalue: the value lives in the coroutine frame while it is suspended,
  /// so the consumer can use (or move from) it without a copy.
  std::suspend_always yield_value(T&& value) noexcept {
    current_ = std::addressof(value);
    return {};
  }

  /// `co_yield value` of an lvalue (or anything convertible to T): a copy is kept in the awaiter,
  /// which lives in the coroutine frame until the consumer asks for the next value.
  template <typename U = const T&>
  requires std::is_constructible_v<T, U>
  auto yield_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U>) {
    struct CopyAwaiter {
      T copy;
      promise_type* promise;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<>) noexcept { promise->current_ = std::addressof(copy); }
      void await_resume() const noexcept {}
    };
    return CopyAwaiter{T(std::forward<U>(value)), this};
  }

  /// Generators only yield; awaiting inside one is a mistake caught at compile time.
  template <typename U>
  std::suspend_never await_transform(U&&) = delete;

  /// Rethrows (once) an exception the coroutine threw.
  void rethrow_if_failed() {
    if (exception_) std::rethrow_exception(std::exchange(exception_, nullptr));
  }

 private:
  friend class Generator;
  T* current_ = nullptr;
  std::exception_ptr exception_;
  bool started_ = false;
};

/// The input iterator of a Generator: `++` resumes the coroutine, `*` is the value it yielded.
template <typename T>
class Generator<T>::iterator {
 public:
  using iterator_concept = std::input_iterator_tag;  ///< single pass
  using difference_type = std::ptrdiff_t;            ///< required of every iterator
  using value_type = T;                              ///< the type of the values yielded

  iterator() = default;
  /// Iterators are move-only, like the stream they walk.
  iterator(iterator&& other) noexcept : coroutine_(std::exchange(other.coroutine_, {})) {}
  /// Takes over `other`'s position.
  iterator& operator=(iterator&& other) noexcept {
    coroutine_ = std::exchange(other.coroutine_, {});
    return *this;
  }

  /// The current value; valid until the next increment.
  T& operator*() const noexcept { return *coroutine_.promise().current_; }
  /// Member access to the current value.
  T* operator->() const noexcept { return coroutine_.promise().current_; }

  /// Resumes the coroutine to its next value; rethrows an exception it threw.
  iterator& operator++() {
    coroutine_.resume();
    coroutine_.promise().rethrow_if_failed();
    return *this;
  }
  /// Same as prefix increment (an input iterator's post-increment returns nothing).
  void operator++(int) { ++*this; }

  /// True once the coroutine has returned.
  friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
    return !it.coroutine_ || it.coroutine_.done();
  }

 private:
  friend class Generator;
  explicit iterator(handle h) noexcept : coroutine_(h) {}
  handle coroutine_;
};

}  // namespace streamlab
