#include "streamlab/random.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using streamlab::Random;

TEST_CASE("the same seed gives the same sequence, another seed another one") {
  Random a{42};
  Random b{42};
  Random c{43};
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    CHECK(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  CHECK(differs);
}

TEST_CASE("the sequence is pinned: golden files depend on it") {
  // The first two outputs of the reference xoshiro256** seeded through SplitMix64 from 0.
  Random rng{0};
  CHECK(rng.next_u64() == 0x99ec5f36cb75f2b4ULL);
  CHECK(rng.next_u64() == 0xbf6e1f784956452aULL);
  // A regression pin for the normal distribution: if it changes, every lesson's output changes.
  Random normal{7};
  CHECK(normal.normal(100.0, 15.0) == Approx(114.46542779088277).epsilon(1e-15));
}

TEST_CASE("uniform01 stays in [0, 1) and has mean about 1/2") {
  Random rng{1};
  double sum = 0.0;
  for (int i = 0; i < 100000; ++i) {
    const double x = rng.uniform01();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    sum += x;
  }
  CHECK(sum / 100000 == Approx(0.5).margin(0.005));
}

TEST_CASE("uniform_int covers its inclusive range evenly") {
  Random rng{2};
  std::array<int, 6> counts{};
  for (int i = 0; i < 60000; ++i) {
    const auto x = rng.uniform_int(1, 6);
    REQUIRE(x >= 1);
    REQUIRE(x <= 6);
    ++counts[static_cast<std::size_t>(x - 1)];
  }
  for (int n : counts) CHECK(n == Approx(10000).margin(400));
  CHECK(rng.uniform_int(5, 5) == 5);
  CHECK(rng.uniform_int(-3, -3) == -3);
  CHECK_THROWS_AS(rng.uniform_int(2, 1), std::invalid_argument);
  const auto any = rng.uniform_int(INT64_MIN, INT64_MAX);  // the full range must not overflow
  CHECK((any <= INT64_MAX && any >= INT64_MIN));
}

TEST_CASE("normal has the requested mean and standard deviation") {
  Random rng{3};
  const int n = 200000;
  double sum = 0.0;
  double sum_sq = 0.0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal(100.0, 15.0);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  const double variance = sum_sq / n - mean * mean;
  CHECK(mean == Approx(100.0).margin(0.15));
  CHECK(std::sqrt(variance) == Approx(15.0).margin(0.15));
}

TEST_CASE("Random works with standard algorithms") {
  STATIC_REQUIRE(std::uniform_random_bit_generator<Random>);
  std::vector<int> v{1, 2, 3, 4, 5, 6, 7, 8};
  Random rng{4};
  std::shuffle(v.begin(), v.end(), rng);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
}
