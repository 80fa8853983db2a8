// Tests of exercise 02.2, batches bounded by bytes (exercises/02_batch_processing/2_batched_by_bytes.hpp).
// Run them with: scripts/exercise 02.2
#include "2_batched_by_bytes.hpp"

#include "streamlab/random.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

using exercise::batched_by_bytes;
using Batches = std::vector<std::vector<std::string>>;

namespace {
streamlab::Generator<std::string> strings(std::vector<std::string> items) {
  for (std::string& item : items) co_yield std::move(item);
}

Batches batches_of(std::vector<std::string> items, std::size_t max_bytes) {
  Batches batches;
  for (std::vector<std::string>& batch : batched_by_bytes(strings(std::move(items)), max_bytes)) {
    batches.push_back(batch);
  }
  return batches;
}
}  // namespace

TEST_CASE("batched_by_bytes: 3 + 4, then 2 + 5 bytes, with at most 8 bytes a batch") {
  CHECK(batches_of({"aaa", "bbbb", "cc", "ddddd"}, 8) == Batches{{"aaa", "bbbb"}, {"cc", "ddddd"}});
}

TEST_CASE("batched_by_bytes: a batch may fill up to exactly max_bytes") {
  CHECK(batches_of({"aaaa", "bbbb", "c"}, 8) == Batches{{"aaaa", "bbbb"}, {"c"}});
}

TEST_CASE("batched_by_bytes: a string longer than max_bytes goes alone, and no batch is empty") {
  CHECK(batches_of({"ab", "xxxxxxxxxx", "cd"}, 4) == Batches{{"ab"}, {"xxxxxxxxxx"}, {"cd"}});
  CHECK(batches_of({"xxxxxxxxxx"}, 4) == Batches{{"xxxxxxxxxx"}});
}

TEST_CASE("batched_by_bytes: no strings, no batches") { CHECK(batches_of({}, 8).empty()); }

TEST_CASE("batched_by_bytes: 1000 strings of 0 to 30 bytes: all there, in order, no batch over 64 bytes") {
  streamlab::Random rng{7};
  std::vector<std::string> items;
  for (int i = 0; i < 1000; ++i) {
    const auto length = static_cast<std::size_t>(rng.uniform_int(0, 30));
    items.push_back(std::to_string(i) + std::string(length, '.'));
  }
  const Batches batches = batches_of(items, 64);
  std::vector<std::string> seen;
  bool none_empty = true;
  bool none_too_big = true;
  for (const auto& batch : batches) {
    none_empty = none_empty && !batch.empty();
    std::size_t bytes = 0;
    for (const auto& item : batch) bytes += item.size();
    none_too_big = none_too_big && (bytes <= 64 || batch.size() == 1);
    seen.insert(seen.end(), batch.begin(), batch.end());
  }
  CHECK(seen == items);
  CHECK(none_empty);
  CHECK(none_too_big);
}
