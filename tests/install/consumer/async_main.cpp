// Uses the installed streamlab::async: a producer coroutine fills a channel of 2 that a consumer drains.
#include <streamlab/async_channel.hpp>

#include <fmt/core.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <optional>

asio::awaitable<void> produce(streamlab::AsyncChannel<int>& channel) {
  for (int i = 0; i < 10; ++i) co_await channel.send(i);
  co_await channel.finish();
}

asio::awaitable<void> consume(streamlab::AsyncChannel<int>& channel, int& sum) {
  while (std::optional<int> item = co_await channel.receive()) sum += *item;
}

int main() {
  asio::io_context io;
  streamlab::AsyncChannel<int> channel{io.get_executor(), 2};
  int sum = 0;
  asio::co_spawn(io, produce(channel), asio::detached);
  asio::co_spawn(io, consume(channel, sum), asio::detached);
  io.run();
  fmt::print("async consumer: {} items, sum {}\n", channel.received(), sum);
}
