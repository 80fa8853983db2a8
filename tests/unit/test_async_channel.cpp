#include "streamlab/async_channel.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using streamlab::AsyncChannel;

namespace {

// Spawns `coroutine` on `io`, rethrowing (from io.run()/poll()) any exception it ends with.
template <typename Awaitable>
void spawn(asio::io_context& io, Awaitable coroutine) {
  asio::co_spawn(io, std::move(coroutine), [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  });
}

asio::awaitable<void> produce(AsyncChannel<int>& channel, int count) {
  for (int i = 0; i < count; ++i) co_await channel.send(i);
  co_await channel.finish();
}

asio::awaitable<void> consume(AsyncChannel<int>& channel, std::vector<int>& into) {
  while (std::optional<int> item = co_await channel.receive()) into.push_back(*item);
}

// Coroutine lambdas must not capture: the closure dies before the coroutine does. These are
// plain functions, their parameters copied into the coroutine frame.
asio::awaitable<void> produce_words(AsyncChannel<std::unique_ptr<std::string>>& channel) {
  co_await channel.send(std::make_unique<std::string>("hello"));
  co_await channel.send(std::make_unique<std::string>("world"));
  co_await channel.finish();
}

asio::awaitable<void> consume_words(AsyncChannel<std::unique_ptr<std::string>>& channel,
                                    std::vector<std::string>& into) {
  while (auto item = co_await channel.receive()) into.push_back(**item);
}

asio::awaitable<void> send_after_finish(AsyncChannel<int>& channel) {
  co_await channel.finish();
  co_await channel.send(1);
}

}  // namespace

TEST_CASE("every item arrives once, in order, then the end of the stream") {
  asio::io_context io;
  AsyncChannel<int> channel{io.get_executor(), 4};
  std::vector<int> received;
  spawn(io, produce(channel, 50));
  spawn(io, consume(channel, received));
  io.run();
  REQUIRE(received.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(received[static_cast<std::size_t>(i)] == i);
  CHECK(channel.sent() == 50);
  CHECK(channel.received() == 50);
}

TEST_CASE("a full channel suspends the producer: capacity is backpressure") {
  asio::io_context io;
  AsyncChannel<int> channel{io.get_executor(), 3};
  spawn(io, produce(channel, 10));
  io.poll();                   // runs everything that can run now: no consumer yet
  CHECK(channel.sent() == 3);  // the producer is suspended on the 4th send
  CHECK_FALSE(io.stopped());
  std::vector<int> received;
  spawn(io, consume(channel, received));
  io.run();
  CHECK(received.size() == 10);
  CHECK(channel.most_ahead() <= channel.capacity() + 1);  // + the one being handed over
}

TEST_CASE("capacity 0 is a rendezvous: nothing is sent until someone receives") {
  asio::io_context io;
  AsyncChannel<int> channel{io.get_executor(), 0};
  spawn(io, produce(channel, 5));
  io.poll();
  CHECK(channel.sent() == 0);
  std::vector<int> received;
  spawn(io, consume(channel, received));
  io.run();
  CHECK(received == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("several consumers share the stream, and all of them see its end") {
  asio::io_context io;
  AsyncChannel<int> channel{io.get_executor(), 2};
  std::vector<int> a;
  std::vector<int> b;
  std::vector<int> c;
  spawn(io, consume(channel, a));
  spawn(io, consume(channel, b));
  spawn(io, consume(channel, c));
  spawn(io, produce(channel, 30));
  io.run();  // returns only if every consumer ended
  CHECK(a.size() + b.size() + c.size() == 30);
  CHECK(channel.received() == 30);
}

TEST_CASE("an empty stream ends at once") {
  asio::io_context io;
  AsyncChannel<int> channel{io.get_executor(), 1};
  std::vector<int> received;
  spawn(io, produce(channel, 0));
  spawn(io, consume(channel, received));
  io.run();
  CHECK(received.empty());
}

TEST_CASE("move-only items travel through the channel") {
  asio::io_context io;
  AsyncChannel<std::unique_ptr<std::string>> channel{io.get_executor(), 1};
  std::vector<std::string> received;
  spawn(io, produce_words(channel));
  spawn(io, consume_words(channel, received));
  io.run();
  CHECK(received == std::vector<std::string>{"hello", "world"});
}

TEST_CASE("sending after finish is a mistake that throws") {
  asio::io_context io;
  AsyncChannel<int> channel{io.get_executor(), 2};
  spawn(io, send_after_finish(channel));
  CHECK_THROWS_AS(io.run(), std::logic_error);
}
