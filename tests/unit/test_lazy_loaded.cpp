#include "streamlab/lazy_loaded.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using streamlab::LazyLoaded;

TEST_CASE("LazyLoaded: nothing is made until the first access, then only once") {
  int calls = 0;
  LazyLoaded<std::string> value{[&] {
    ++calls;
    return std::string("loaded");
  }};
  CHECK_FALSE(value.loaded());
  CHECK(calls == 0);
  CHECK(value.get() == "loaded");
  CHECK(*value == "loaded");
  CHECK(value->size() == 6);
  CHECK(value.loaded());
  CHECK(calls == 1);
}

TEST_CASE("LazyLoaded: a failed load is retried on the next access") {
  int calls = 0;
  LazyLoaded<int> value{[&] {
    if (++calls == 1) throw std::runtime_error("disk not ready");
    return 42;
  }};
  CHECK_THROWS_WITH(value.get(), "disk not ready");
  CHECK_FALSE(value.loaded());
  CHECK(value.get() == 42);
  CHECK(calls == 2);
}

TEST_CASE("LazyLoaded: many threads, one load, everyone sees the same value") {
  std::atomic<int> calls{0};
  LazyLoaded<std::vector<int>> value{[&] {
    ++calls;
    return std::vector<int>(1000, 7);
  }};
  std::vector<std::thread> threads;
  std::atomic<long> total{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] { total += value.get()[999]; });
  }
  for (auto& thread : threads) thread.join();
  CHECK(calls == 1);
  CHECK(total == 56);
}
