#include "streamlab/sharded_dataset.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using streamlab::ShardedDataset;

TEST_CASE("ShardedDataset: shards load on demand and the least recently used goes first") {
  std::vector<std::size_t> loaded;
  ShardedDataset<std::vector<int>> dataset{10, 2, [&](std::size_t i) {
                                             loaded.push_back(i);
                                             return std::vector<int>(3, static_cast<int>(i));
                                           }};
  CHECK(dataset.resident().empty());
  CHECK(dataset.loads() == 0);
  CHECK((*dataset.shard(3))[0] == 3);
  CHECK((*dataset.shard(5))[0] == 5);
  CHECK(dataset.shard(3)->size() == 3);  // cached: no load
  CHECK(dataset.resident() == std::vector<std::size_t>{3, 5});
  auto held = dataset.shard(7);  // evicts 5, the least recently used
  CHECK(dataset.resident() == std::vector<std::size_t>{7, 3});
  CHECK(dataset.evictions() == 1);
  dataset.shard(5);  // loaded again, evicts 3
  CHECK(dataset.resident() == std::vector<std::size_t>{5, 7});
  dataset.shard(1);  // evicts 7, but we still hold it
  CHECK((*held)[0] == 7);
  CHECK(loaded == std::vector<std::size_t>{3, 5, 7, 5, 1});
  CHECK(dataset.loads() == 5);
  CHECK(dataset.evictions() == 3);
  CHECK(dataset.shard_count() == 10);
  CHECK(dataset.max_resident() == 2);
}

TEST_CASE("ShardedDataset: misuse") {
  auto load = [](std::size_t i) { return static_cast<int>(i); };
  CHECK_THROWS_AS((ShardedDataset<int>{4, 0, load}), std::invalid_argument);
  CHECK_THROWS_AS((ShardedDataset<int>{4, 1, nullptr}), std::invalid_argument);
  ShardedDataset<int> dataset{4, 1, load};
  CHECK_THROWS_WITH(dataset.shard(4), "ShardedDataset: shard 4 of 4");
  ShardedDataset<int> failing{4, 1, [](std::size_t) -> int { throw std::runtime_error("corrupt shard"); }};
  CHECK_THROWS_WITH(failing.shard(0), "corrupt shard");
  CHECK(failing.resident().empty());
}

TEST_CASE("ShardedDataset: threads asking together load each shard once") {
  std::atomic<int> loads{0};
  ShardedDataset<int> dataset{4, 4, [&](std::size_t i) {
                                ++loads;
                                return static_cast<int>(i) * 10;
                              }};
  std::vector<std::thread> threads;
  std::atomic<int> total{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] { total += *dataset.shard(static_cast<std::size_t>(t % 4)); });
  }
  for (auto& thread : threads) thread.join();
  CHECK(loads == 4);
  CHECK(total == 120);
}
