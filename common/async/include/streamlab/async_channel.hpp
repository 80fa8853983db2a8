// AsyncChannel<T>: a bounded channel between Asio coroutines; a full channel suspends the sender.
//
// The target streamlab::async: this header and standalone Asio (find_package(streamlab COMPONENTS async)).
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace streamlab {

/// A bounded, single-executor channel for C++20 coroutines, built on
/// `asio::experimental::channel`: the async counterpart of a bounded queue.
///
/// - `co_await send(v)` completes at once while the channel has room and **suspends the producer
///   while it is full**: the capacity is the backpressure. The producer's coroutine waits; no
///   thread blocks, and memory stays bounded however fast the producer is.
/// - `co_await receive()` gives the next item, suspending while the channel is empty, and
///   `std::nullopt` once the producer has called `finish()` and every item sent before has been
///   received. (Asio's own `close()` drops buffered items, so the end of the stream travels as a
///   message after the last item instead.)
/// - With capacity 0 every send waits for a receiver (a rendezvous).
/// - Counters: items sent, items received, and the most items the producer was ever ahead of the
///   consumers (sent but not yet received).
///
/// Not thread-safe: for coroutines on one executor (an `io_context` run by one thread, or a
/// strand); `asio::experimental::concurrent_channel` is the thread-safe variant.
///
/// **Example**
/// \code
/// asio::io_context io;
/// streamlab::AsyncChannel<int> channel{io.get_executor(), 4};
/// asio::co_spawn(io, [&]() -> asio::awaitable<void> {
///   for (int i = 0; i < 10; ++i) co_await channel.send(i);   // waits while 4 are queued
///   co_await channel.finish();
/// }, asio::detached);
/// asio::co_spawn(io, [&]() -> asio::awaitable<void> {
///   while (std::optional<int> item = co_await channel.receive()) fmt::print("{} ", *item);
/// }, asio::detached);
/// io.run();   // 0 1 2 3 4 5 6 7 8 9
/// \endcode
template <typename T>
class AsyncChannel {
 public:
  /// A channel holding at most `capacity` items not yet received.
  AsyncChannel(asio::any_io_executor executor, std::size_t capacity)
      : channel_(std::move(executor), capacity), capacity_(capacity) {}

  /// The most items the channel holds.
  std::size_t capacity() const noexcept { return capacity_; }

  /// Sends `value`; suspends while the channel is full. Throws std::logic_error after finish().
  asio::awaitable<void> send(T value) {
    if (finished_) throw std::logic_error("AsyncChannel::send after finish()");
    co_await channel_.async_send(std::error_code{}, std::optional<T>(std::move(value)), asio::use_awaitable);
    ++sent_;
    most_ahead_ = std::max(most_ahead_, sent_ - received_);
  }

  /// Ends the stream: receivers get every item sent so far, then `std::nullopt`. Call it once.
  asio::awaitable<void> finish() {
    if (finished_) throw std::logic_error("AsyncChannel::finish called twice");
    finished_ = true;
    co_await channel_.async_send(std::error_code{}, std::optional<T>{}, asio::use_awaitable);
  }

  /// The next item, or `std::nullopt` at the end of the stream. Every receiver waiting or arriving
  /// after the end gets `std::nullopt`, so several consumers can share one channel.
  asio::awaitable<std::optional<T>> receive() {
    if (ended_) co_return std::nullopt;
    auto [error, item] = co_await channel_.async_receive(asio::experimental::as_tuple(asio::use_awaitable));
    if (error) {
      if (error == asio::experimental::error::channel_closed || error == asio::experimental::error::channel_cancelled) {
        co_return std::nullopt;
      }
      throw std::system_error(error, "AsyncChannel::receive");
    }
    if (!item) {
      ended_ = true;
      channel_.close();  // wakes the other receivers still waiting: they get channel_closed
      co_return std::nullopt;
    }
    ++received_;
    co_return std::move(item);
  }

  /// Items whose send has completed.
  std::size_t sent() const noexcept { return sent_; }
  /// Items handed to a receiver.
  std::size_t received() const noexcept { return received_; }
  /// The largest number of items sent but not yet received, seen at any send.
  std::size_t most_ahead() const noexcept { return most_ahead_; }

 private:
  asio::experimental::channel<void(std::error_code, std::optional<T>)> channel_;
  std::size_t capacity_;
  std::size_t sent_ = 0;
  std::size_t received_ = 0;
  std::size_t most_ahead_ = 0;
  bool finished_ = false;
  bool ended_ = false;
};

}  // namespace streamlab
