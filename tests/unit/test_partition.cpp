#include "streamlab/partition.hpp"

#include <catch2/catch.hpp>

#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

using streamlab::PartitionRoute;

namespace {
struct Item {
  int key;
  int seq;
};
}  // namespace

TEST_CASE("split by key: each key on one part, each part in input order, the route remembered") {
  const std::vector<Item> batch{{0, 0}, {1, 1}, {2, 2}, {0, 3}, {1, 4}, {0, 5}};
  std::vector<std::vector<Item>> parts(2);
  PartitionRoute route;
  streamlab::split_by_key(
      std::span<const Item>(batch), [](const Item& x) { return static_cast<std::size_t>(x.key % 2); },
      [&](std::size_t p) -> std::vector<Item>& { return parts[p]; }, route);
  std::vector<int> part0, part1;
  for (const Item& x : parts[0]) part0.push_back(x.seq);
  for (const Item& x : parts[1]) part1.push_back(x.seq);
  CHECK(part0 == std::vector<int>{0, 2, 3, 5});  // keys 0 and 2
  CHECK(part1 == std::vector<int>{1, 4});        // key 1
  CHECK(route.size() == 6);
  CHECK(std::vector<std::uint8_t>(route.parts().begin(), route.parts().end()) ==
        std::vector<std::uint8_t>{0, 1, 0, 0, 1, 0});

  // The merge: replay gives (part, position) in input order.
  std::vector<int> merged;
  route.replay([&](std::size_t p, std::size_t k) { merged.push_back(parts[p][k].seq); });
  CHECK(merged == std::vector<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("a new split clears the route; an empty batch routes nothing") {
  PartitionRoute route;
  route.add(3);
  std::vector<std::vector<int>> parts(1);
  streamlab::split_by_key(
      std::span<const int>(), [](int) { return std::size_t{0}; },
      [&](std::size_t p) -> std::vector<int>& { return parts[p]; }, route);
  CHECK(route.size() == 0);
  int visits = 0;
  route.replay([&](std::size_t, std::size_t) { ++visits; });
  CHECK(visits == 0);
}

TEST_CASE("a route names at most 256 parts") {
  PartitionRoute route;
  route.add(255);
  CHECK_THROWS_AS(route.add(256), std::out_of_range);
}
