#include "streamlab/per_key.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

TEST_CASE("per-key state is made on first use, with every key below it, and kept") {
  streamlab::PerKey<int> counts;
  CHECK(counts.size() == 0);
  counts[2] += 5;
  CHECK(counts.size() == 3);  // keys 0 and 1 made too, value-initialised
  CHECK(counts[0] == 0);
  CHECK(counts[1] == 0);
  counts[2] += 1;
  counts[0] = 7;
  CHECK(counts[2] == 6);
  CHECK(counts.size() == 3);  // nothing made for a key already there
  const std::vector<int> in_key_order(counts.begin(), counts.end());
  CHECK(in_key_order == std::vector<int>{7, 0, 6});
}

TEST_CASE("per-key state holds any default-constructible type; a const PerKey reads without growing") {
  streamlab::PerKey<std::string> names;
  names[1] = "second";
  const auto& view = names;
  CHECK(view[0].empty());
  CHECK(view[1] == "second");
  CHECK(view.size() == 2);
}
