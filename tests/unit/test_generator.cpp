#include "streamlab/generator.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

using streamlab::Generator;

namespace {

Generator<int> count_up(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

Generator<std::string> words() {
  std::string hello = "hello";
  co_yield hello;                 // lvalue: copied, `hello` itself stays intact
  co_yield std::string("world");  // rvalue: no copy
  co_yield hello;
}

Generator<int> throws_after(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
  throw std::runtime_error("source failed");
}

struct Tracker {
  int* destroyed;
  ~Tracker() { ++*destroyed; }
};

Generator<int> tracked(int* destroyed, int* produced) {
  Tracker tracker{destroyed};
  for (int i = 0;; ++i) {
    ++*produced;
    co_yield i;
  }
}

}  // namespace

TEST_CASE("a generator yields its values in order") {
  std::vector<int> seen;
  for (int x : count_up(5)) seen.push_back(x);
  CHECK(seen == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("an empty generator yields nothing") {
  int count = 0;
  for ([[maybe_unused]] int x : count_up(0)) ++count;
  CHECK(count == 0);
}

TEST_CASE("nothing runs before the first element is asked for") {
  int produced = 0;
  int destroyed = 0;
  {
    auto gen = tracked(&destroyed, &produced);
    CHECK(produced == 0);
    auto it = gen.begin();
    CHECK(produced == 1);
    CHECK(*it == 0);
    ++it;
    CHECK(produced == 2);
  }
  CHECK(destroyed == 1);
}

TEST_CASE("lvalues are copied and rvalues moved when yielded") {
  std::vector<std::string> seen;
  for (std::string& w : words()) seen.push_back(std::move(w));
  CHECK(seen == std::vector<std::string>{"hello", "world", "hello"});
}

TEST_CASE("an exception in the coroutine reaches the consumer") {
  std::vector<int> seen;
  auto consume = [&] {
    for (int x : throws_after(3)) seen.push_back(x);
  };
  CHECK_THROWS_WITH(consume(), "source failed");
  CHECK(seen == std::vector<int>{0, 1, 2});
}

TEST_CASE("an exception before the first value is thrown from begin()") {
  auto gen = throws_after(0);
  CHECK_THROWS_AS(gen.begin(), std::runtime_error);
}

TEST_CASE("breaking out early destroys the coroutine and its locals") {
  int produced = 0;
  int destroyed = 0;
  for (int x : tracked(&destroyed, &produced)) {
    if (x == 9) break;
  }
  CHECK(produced == 10);
  CHECK(destroyed == 1);
}

TEST_CASE("a generator works with std::views") {
  auto squares_of_evens = count_up(10) | std::views::filter([](int x) { return x % 2 == 0; }) |
                          std::views::transform([](int x) { return x * x; }) | std::views::take(3);
  std::vector<int> seen;
  for (int x : squares_of_evens) seen.push_back(x);
  CHECK(seen == std::vector<int>{0, 4, 16});
  STATIC_REQUIRE(std::ranges::input_range<Generator<int>>);
  STATIC_REQUIRE(std::ranges::view<Generator<int>>);
  STATIC_REQUIRE_FALSE(std::ranges::forward_range<Generator<int>>);
}

TEST_CASE("a generator is move-only and single pass") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Generator<int>>);
  auto first = count_up(3);
  auto second = std::move(first);
  std::vector<int> seen;
  for (int x : second) seen.push_back(x);
  CHECK(seen == std::vector<int>{0, 1, 2});
  CHECK_THROWS_AS(second.begin(), std::logic_error);  // already consumed
  CHECK_THROWS_AS(first.begin(), std::logic_error);   // moved from
}

TEST_CASE("move-only values can be yielded and taken") {
  auto make = []() -> Generator<std::unique_ptr<int>> {
    for (int i = 0; i < 3; ++i) co_yield std::make_unique<int>(i);
  };
  std::vector<std::unique_ptr<int>> taken;
  for (auto& p : make()) taken.push_back(std::move(p));
  REQUIRE(taken.size() == 3);
  CHECK(*taken[2] == 2);
}
