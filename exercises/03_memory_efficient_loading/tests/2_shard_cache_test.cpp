// Tests of exercise 03.2, a bounded cache of shards (exercises/03_memory_efficient_loading/2_shard_cache.hpp).
// Run them with: scripts/exercise 03.2
#include "2_shard_cache.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

using exercise::Shard;
using exercise::ShardCache;

namespace {
// Shard i holds i + 0.5 and i + 0.25; *loaded lists the shards loaded, in order.
ShardCache::Loader recording_loader(std::vector<std::size_t>* loaded) {
  return [loaded](std::size_t index) {
    loaded->push_back(index);
    const double base = static_cast<double>(index);
    return Shard{base + 0.5, base + 0.25};
  };
}

std::size_t first_value_of(const std::shared_ptr<const Shard>& shard) {
  REQUIRE(shard != nullptr);
  REQUIRE(!shard->empty());
  return static_cast<std::size_t>(shard->front());
}
}  // namespace

TEST_CASE("shard cache: a shard asked for is loaded and returned") {
  std::vector<std::size_t> loaded;
  ShardCache cache{2, recording_loader(&loaded)};
  CHECK(first_value_of(cache.shard(7)) == 7);
  CHECK(loaded == std::vector<std::size_t>{7});
  CHECK(cache.resident() == std::vector<std::size_t>{7});
}

TEST_CASE("shard cache: a shard held in memory is returned as it is, not loaded again") {
  std::vector<std::size_t> loaded;
  ShardCache cache{2, recording_loader(&loaded)};
  const auto first = cache.shard(4);
  const auto again = cache.shard(4);
  CHECK(again == first);  // the same object
  CHECK(cache.loads() == 1);
  CHECK(loaded == std::vector<std::size_t>{4});
}

TEST_CASE("shard cache: lesson 03's 3, 5, 3, 0 with room for 2 loads 3 times and evicts shard 5") {
  std::vector<std::size_t> loaded;
  ShardCache cache{2, recording_loader(&loaded)};
  for (std::size_t index : std::vector<std::size_t>{3, 5, 3, 0}) first_value_of(cache.shard(index));
  CHECK(loaded == std::vector<std::size_t>{3, 5, 0});
  CHECK(cache.loads() == 3);
  CHECK(cache.evictions() == 1);
  CHECK(cache.resident() == std::vector<std::size_t>{0, 3});  // most recently used first
}

TEST_CASE("shard cache: the least recently used shard goes, not the first one loaded") {
  std::vector<std::size_t> loaded;
  ShardCache cache{3, recording_loader(&loaded)};
  for (std::size_t index : std::vector<std::size_t>{1, 2, 3, 1, 2, 4}) first_value_of(cache.shard(index));
  CHECK(cache.resident() == std::vector<std::size_t>{4, 2, 1});  // 3 was used least recently
  first_value_of(cache.shard(1));
  CHECK(loaded == std::vector<std::size_t>{1, 2, 3, 4});  // 1 was still there
}

TEST_CASE("shard cache: never more shards in memory than it has room for") {
  std::vector<std::size_t> loaded;
  ShardCache cache{2, recording_loader(&loaded)};
  std::size_t most = 0;
  for (std::size_t index = 0; index < 20; ++index) {
    first_value_of(cache.shard(index % 7));
    most = std::max(most, cache.resident().size());
  }
  CHECK(most == 2);
  CHECK(cache.evictions() == cache.loads() - 2);
}
