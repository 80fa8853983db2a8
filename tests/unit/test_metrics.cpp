#include "streamlab/metrics.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <memory>

TEST_CASE("peak RSS grows when memory is touched and never shrinks") {
  const auto before = streamlab::peak_rss_bytes();
  REQUIRE(before > 0);
  constexpr std::size_t size = 64 * 1024 * 1024;
  {
    auto block = std::make_unique<char[]>(size);
    std::memset(block.get(), 1, size);  // touch every page so it becomes resident
    CHECK(streamlab::current_rss_bytes() >= size);
    CHECK(block[size - 1] == 1);
  }
  const auto after = streamlab::peak_rss_bytes();
  CHECK(after >= before);
  CHECK(after >= size);
}

TEST_CASE("a stopwatch never runs backwards") {
  streamlab::Stopwatch watch;
  const double first = watch.elapsed_seconds();
  const double second = watch.elapsed_seconds();
  CHECK(first >= 0.0);
  CHECK(second >= first);
  CHECK(watch.elapsed_ms() >= second * 1000.0);
}

TEST_CASE("to_mib converts bytes") { CHECK(streamlab::to_mib(3 * 1024 * 1024) == 3.0); }
