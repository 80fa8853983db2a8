// LazyLoaded<T>: lazy loading — a value loaded (made) on its first use, once, even under many threads.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace streamlab {

/// A value made by `make()` the first time it is asked for, and only once, even when several
/// threads ask at the same moment (the others wait for the first, on a mutex). If `make()`
/// throws, nothing is stored and the exception reaches the caller; the next access tries again.
/// Neither copyable nor movable (other threads may be waiting on it); hold it by reference.
/// Thread-safe: any number of threads may call get() at once.
///
/// This is lazy *loading*, of data: for lazy *evaluation* of a stream (nothing runs until a
/// consumer pulls), see Generator and pipeline.hpp.
///
/// **Example**
/// \code
/// streamlab::LazyLoaded<Model> model{[] { return load_model("weights.bin"); }};
/// if (needed) predict(model.get());   // loaded here, on first use, or never
/// \endcode
template <typename T>
class LazyLoaded {
 public:
  /// Remembers how to make the value; does not call `make` yet.
  explicit LazyLoaded(std::function<T()> make) : make_(std::move(make)) {}
  LazyLoaded(const LazyLoaded&) = delete;
  LazyLoaded& operator=(const LazyLoaded&) = delete;

  /// The value, made now if this is the first access.
  const T& get() {
    // Double-checked: once loaded, an access is one atomic load. Not std::call_once: libstdc++'s
    // call_once cannot be left by an exception portably (GCC bug 66146; it hangs under TSan).
    if (!loaded_.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex_);
      if (!loaded_.load(std::memory_order_relaxed)) {
        value_.emplace(make_());  // if make_() throws, nothing is stored and the lock is released
        loaded_.store(true, std::memory_order_release);
      }
    }
    return *value_;
  }
  /// The value (see get()).
  const T& operator*() { return get(); }
  /// The value's members (see get()).
  const T* operator->() { return &get(); }

  /// Whether the value has been made (it never is if nobody asks).
  bool loaded() const noexcept { return loaded_.load(std::memory_order_acquire); }

 private:
  std::function<T()> make_;
  std::mutex mutex_;
  std::optional<T> value_;
  std::atomic<bool> loaded_{false};
};

}  // namespace streamlab
