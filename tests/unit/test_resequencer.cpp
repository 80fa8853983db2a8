#include "streamlab/resequencer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using streamlab::Resequencer;

TEST_CASE("items put in any order leave in order") {
  Resequencer<std::string> order{4};
  order.put(2, "c");
  order.put(1, "b");
  CHECK_FALSE(order.ready());
  CHECK_FALSE(order.pop().has_value());  // item 0 is missing: nothing leaves
  CHECK(order.size() == 2);
  order.put(0, "a");
  CHECK(order.ready());
  std::string out;
  while (auto item = order.pop()) out += *item;
  CHECK(out == "abc");
  CHECK(order.next() == 3);
  CHECK(order.empty());
}

TEST_CASE("every permutation of a window comes out in order") {
  std::vector<int> arrival(6);
  std::iota(arrival.begin(), arrival.end(), 0);
  do {
    Resequencer<int> order{6};
    std::vector<int> out;
    for (int n : arrival) {
      order.put(static_cast<std::uint64_t>(n), n * 10);
      while (auto item = order.pop()) out.push_back(*item);
    }
    CHECK(out == std::vector<int>{0, 10, 20, 30, 40, 50});
  } while (std::next_permutation(arrival.begin(), arrival.end()));
}

TEST_CASE("the window slides: a long stream in a small window, in fixed memory") {
  Resequencer<int> order{2};
  std::vector<int> out;
  for (int pair = 0; pair < 1000; pair += 2) {  // each pair arrives swapped
    order.put(static_cast<std::uint64_t>(pair + 1), pair + 1);
    order.put(static_cast<std::uint64_t>(pair), pair);
    while (auto item = order.pop()) out.push_back(*item);
  }
  CHECK(out.size() == 1000);
  CHECK(std::is_sorted(out.begin(), out.end()));
}

TEST_CASE("move-only items and a numbering that does not start at 0") {
  Resequencer<std::unique_ptr<int>> order{3, 100};
  order.put(101, std::make_unique<int>(1));
  order.put(100, std::make_unique<int>(0));
  CHECK(**order.pop() == 0);
  CHECK(**order.pop() == 1);
  CHECK(order.next() == 102);
}

TEST_CASE("misuse: outside the window, twice the same number, an empty window") {
  Resequencer<int> order{2};
  CHECK(order.accepts(1));
  CHECK_FALSE(order.accepts(2));
  CHECK_THROWS_AS(order.put(2, 0), std::out_of_range);  // window or more ahead
  order.put(0, 0);
  CHECK_THROWS_AS(order.put(0, 0), std::logic_error);  // already held
  CHECK(order.pop() == 0);
  CHECK_THROWS_AS(order.put(0, 0), std::out_of_range);  // already left
  CHECK_THROWS_AS(Resequencer<int>(0), std::invalid_argument);
}
