// Tests of exercise 04.1, a lazy filter stage (exercises/04_stream_transformations/1_filter_even.hpp).
// Run them with: scripts/exercise 04.1
#include "1_filter_even.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using exercise::filter_even;
using exercise::square;

namespace {
// from, from + 1, ..., from + count − 1; each number made is written to *trace as "make N".
streamlab::Generator<long> numbers(long from, long count, std::vector<std::string>* trace) {
  for (long x = from; x < from + count; ++x) {
    trace->push_back("make " + std::to_string(x));
    co_yield x;
  }
}

std::vector<long> collect(streamlab::Generator<long> values) {
  std::vector<long> out;
  for (long x : values) out.push_back(x);
  return out;
}
}  // namespace

TEST_CASE("filter_even: 0..9 squared and filtered are 0, 4, 16, 36, 64, as in lesson 04") {
  std::vector<std::string> trace;
  CHECK(collect(filter_even(square(numbers(0, 10, &trace)))) == std::vector<long>{0, 4, 16, 36, 64});
}

TEST_CASE("filter_even: negative even numbers pass and negative odd ones do not") {
  std::vector<std::string> trace;
  CHECK(collect(filter_even(numbers(-5, 11, &trace))) == std::vector<long>{-4, -2, 0, 2, 4});
}

TEST_CASE("filter_even: each result reaches the consumer before the source makes the next number") {
  std::vector<std::string> trace;
  for (long x : filter_even(square(numbers(0, 5, &trace)))) trace.push_back("got " + std::to_string(x));
  CHECK(trace ==
        std::vector<std::string>{"make 0", "got 0", "make 1", "make 2", "got 4", "make 3", "make 4", "got 16"});
}

TEST_CASE("filter_even: a consumer that stops after 3 results leaves the source at 5 numbers made of 10") {
  std::vector<std::string> trace;
  int got = 0;
  for (long x : filter_even(square(numbers(0, 10, &trace)))) {
    static_cast<void>(x);
    if (++got == 3) break;
  }
  CHECK(got == 3);
  CHECK(trace.size() == 5);
}
