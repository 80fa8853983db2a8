// Tests of exercise 04.2, a stage with state (exercises/04_stream_transformations/2_deltas.hpp).
// Run them with: scripts/exercise 04.2
#include "2_deltas.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using exercise::deltas;

namespace {
// The readings, in order; each reading read is written to *trace as "read R" (when trace is set).
streamlab::Generator<double> readings(std::vector<double> values, std::vector<std::string>* trace = nullptr) {
  for (double value : values) {
    if (trace) trace->push_back("read " + std::to_string(static_cast<int>(value)));
    co_yield value;
  }
}

std::vector<double> collect(streamlab::Generator<double> values) {
  std::vector<double> out;
  for (double x : values) out.push_back(x);
  return out;
}
}  // namespace

TEST_CASE("deltas: 1, 4, 9, 16 change by 3, 5, 7") {
  CHECK(collect(deltas(readings({1, 4, 9, 16}))) == std::vector<double>{3, 5, 7});
}

TEST_CASE("deltas: a falling stream has negative changes") {
  CHECK(collect(deltas(readings({10, 7, 7, 2}))) == std::vector<double>{-3, 0, -5});
}

TEST_CASE("deltas: one reading gives no change, and no readings give none") {
  CHECK(collect(deltas(readings({42}))).empty());
  CHECK(collect(deltas(readings({}))).empty());
}

TEST_CASE("deltas: a reading of 0 is a reading like any other") {
  CHECK(collect(deltas(readings({5, 0, 3, 0}))) == std::vector<double>{-5, 3, -3});
  CHECK(collect(deltas(readings({0, 2}))) == std::vector<double>{2});
}

TEST_CASE("deltas: each change goes out as soon as its second reading has been read") {
  std::vector<std::string> trace;
  for (double change : deltas(readings({1, 3, 6}, &trace)))
    trace.push_back("change " + std::to_string(static_cast<int>(change)));
  CHECK(trace == std::vector<std::string>{"read 1", "read 3", "change 2", "read 6", "change 3"});
}
