#include "streamlab/pipeline.hpp"

#include <catch2/catch.hpp>

#include <ranges>
#include <string>
#include <vector>

namespace {

streamlab::Generator<int> numbers(int n, std::vector<std::string>* log = nullptr) {
  for (int i = 0; i < n; ++i) {
    if (log != nullptr) log->push_back("pull " + std::to_string(i));
    co_yield i;
  }
}

template <typename R>
std::vector<int> collect(R&& range) {
  std::vector<int> out;
  for (auto&& x : range) out.push_back(x);
  return out;
}

const auto square = streamlab::map("square", [](int x) { return x * x; });
const auto filter_even = streamlab::filter("filter_even", [](int x) { return x % 2 == 0; });

}  // namespace

TEST_CASE("the seed's pipeline: numbers → square → filter_even") {
  CHECK(collect(numbers(10) | square) == std::vector<int>{0, 1, 4, 9, 16, 25, 36, 49, 64, 81});
  CHECK(collect(numbers(10) | square | filter_even) == std::vector<int>{0, 4, 16, 36, 64});
  const auto pipeline = square | filter_even;
  CHECK(pipeline.name() == "square → filter_even");
  CHECK(collect(numbers(10) | pipeline) == std::vector<int>{0, 4, 16, 36, 64});
  // Reusable on other inputs: a std::views range and a container.
  CHECK(collect(std::views::iota(3, 6) | pipeline) == std::vector<int>{16});
  const std::vector<int> values{1, 2, 3, 4};
  CHECK(collect(values | pipeline) == std::vector<int>{4, 16});
  CHECK(values == std::vector<int>{1, 2, 3, 4});  // a borrowed container is not changed
}

TEST_CASE("lazy: nothing runs until pulled, each element goes through all stages before the next") {
  std::vector<std::string> log;
  auto trace = [&](const char* what) {
    return streamlab::tap(what, [&log, what](int x) { log.push_back(std::string(what) + " " + std::to_string(x)); });
  };
  auto result = numbers(10, &log) | square | trace("squared") | filter_even | trace("kept") | streamlab::take(2);
  CHECK(log.empty());  // built, not run
  CHECK(collect(result) == std::vector<int>{0, 4});
  CHECK(log == std::vector<std::string>{"pull 0", "squared 0", "kept 0", "pull 1", "squared 1", "pull 2", "squared 4",
                                        "kept 4"});  // take(2) stops: 3..9 are never pulled
}

TEST_CASE("map is called once per element, unlike views::transform | views::filter") {
  int calls = 0;
  auto counted_square = streamlab::map("square", [&](int x) {
    ++calls;
    return x * x;
  });
  CHECK(collect(numbers(10) | counted_square | filter_even).size() == 5);
  CHECK(calls == 10);
  calls = 0;
  auto views_pipeline = numbers(10) | std::views::transform([&](int x) {
                          ++calls;
                          return x * x;
                        }) |
                        std::views::filter([](int x) { return x % 2 == 0; });
  CHECK(collect(views_pipeline).size() == 5);
  CHECK(calls == 15);  // the 5 kept elements were squared twice
}

TEST_CASE("take, edges and std::views on a stage's output") {
  CHECK(collect(numbers(5) | streamlab::take(0)).empty());
  CHECK(collect(numbers(3) | streamlab::take(10)) == std::vector<int>{0, 1, 2});
  CHECK(collect(numbers(0) | square).empty());
  CHECK(collect(numbers(10) | square | std::views::take(3)) == std::vector<int>{0, 1, 4});
  CHECK(streamlab::take(4).name() == "take(4)");
  const auto to_text = streamlab::map("to_text", [](int x) { return std::to_string(x); });
  std::vector<std::string> texts;
  for (auto& text : numbers(3) | to_text) texts.push_back(std::move(text));
  CHECK(texts == std::vector<std::string>{"0", "1", "2"});
}

TEST_CASE("an exception in a stage reaches the consumer") {
  auto boom = streamlab::map("boom", [](int x) {
    if (x == 2) throw std::runtime_error("bad element 2");
    return x;
  });
  auto result = numbers(5) | boom;
  std::vector<int> seen;
  CHECK_THROWS_WITH(
      [&] {
        for (int x : result) seen.push_back(x);
      }(),
      "bad element 2");
  CHECK(seen == std::vector<int>{0, 1});
}
