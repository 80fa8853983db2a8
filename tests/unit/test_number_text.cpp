#include "streamlab/number_text.hpp"
#include "streamlab/parse_number.hpp"
#include "streamlab/random.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// What the standard library writes: the reference both functions must match character for character.
std::string to_chars_fixed(double value, int decimals) {
  char text[400];
  const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, decimals);
  return {text, result.ptr};
}

std::string to_chars_shortest(double value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return {text, result.ptr};
}

std::string fixed(double value, int decimals) {
  char text[streamlab::max_fixed_chars];
  return {text, streamlab::write_fixed(text, value, decimals)};
}

std::string shortest(double value) {
  char text[streamlab::max_shortest_chars];
  return {text, streamlab::write_shortest(text, value)};
}

// Values of the kinds a pipeline writes: sensor readings with a few decimals, z-scores, values of
// every magnitude, exact halves (the ties), the edges of the fast paths, and the special values.
std::vector<double> sample_values() {
  std::vector<double> values = {0.0,
                                -0.0,
                                0.5,
                                1.5,
                                2.5,
                                -2.5,
                                0.125,
                                1.03125,
                                0.00005,
                                0.00015,
                                1e-3,
                                9.9999,
                                1e4,
                                1e4 - 1,
                                0.1,
                                0.2,
                                0.3,
                                1.0 / 3,
                                2.0 / 3,
                                1e15,
                                4.5e15,
                                1e16,
                                1e300,
                                -1e300,
                                5e-324,
                                1e-320,
                                0x1p52,
                                0x1p53,
                                123.456,
                                23.45,
                                -0.0004,
                                0.1 + 0.2,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  // Both sides of every power of ten, whole and with four decimals: where a number gains a digit.
  for (double power = 1; power <= 1e15; power *= 10) {
    for (const double whole : {power - 1, power, power + 1}) {
      values.push_back(whole);
      values.push_back(-whole);
      values.push_back(whole / 10'000);
    }
  }
  streamlab::Random random{2026};
  for (int i = 0; i < 20'000; ++i) {
    values.push_back(random.normal(20.0, 5.0));                                           // readings
    values.push_back(std::round(random.normal(20.0, 5.0) * 1000) / 1000);                 // 3 decimals
    values.push_back(static_cast<double>(random.uniform_int(-99'999, 99'999)) / 10'000);  // 4 decimals
    const double magnitude = std::pow(10.0, random.uniform01() * 24 - 12);                // one draw a statement
    values.push_back(random.bernoulli(0.5) ? magnitude : -magnitude);
    values.push_back(static_cast<double>(random.uniform_int(0, 1 << 20)) / 1024);  // exact binary: ties
    // 15 to 17 significant digits: where the fast path of write_shortest must give up.
    const auto digits = static_cast<double>(random.uniform_int(100'000'000'000'000, 99'999'999'999'999'999));
    values.push_back(digits / std::pow(10.0, static_cast<double>(random.uniform_int(12, 19))));
  }
  return values;
}

}  // namespace

TEST_CASE("write_fixed writes what std::to_chars writes, for every number of decimals") {
  for (double value : sample_values()) {
    for (int decimals = 0; decimals <= 9; ++decimals) {
      INFO(to_chars_shortest(value) << " with " << decimals << " decimals");
      REQUIRE(fixed(value, decimals) == to_chars_fixed(value, decimals));
    }
  }
}

TEST_CASE("write_fixed: rounding on the exact value, ties to even") {
  CHECK(fixed(2.5, 0) == "2");
  CHECK(fixed(3.5, 0) == "4");
  CHECK(fixed(1.03125, 4) == "1.0312");  // an exact tie: to the even digit
  CHECK(fixed(1.09375, 4) == "1.0938");
  CHECK(fixed(0.00015, 4) == "0.0001");    // the double is a little below 0.00015
  CHECK(fixed(-0.00001, 4) == "-0.0000");  // printf keeps the sign
  CHECK(fixed(2.0 / 3.0, 4) == "0.6667");
  CHECK(fixed(-1e300, 0).size() == 302);
  CHECK_THROWS_AS(fixed(1.0, 10), std::invalid_argument);
  CHECK_THROWS_AS(fixed(1.0, -1), std::invalid_argument);
}

TEST_CASE("write_shortest writes what std::to_chars writes, and it reads back exactly") {
  for (double value : sample_values()) {
    const std::string text = shortest(value);
    INFO(text);
    REQUIRE(text == to_chars_shortest(value));
    if (std::isfinite(value)) {
      double back = 0;
      streamlab::detail::from_chars_floating(text.data(), text.data() + text.size(), back);
      CHECK(back == value);
    }
  }
  CHECK(shortest(23.456) == "23.456");
  CHECK(shortest(20.0) == "20");
  CHECK(shortest(-0.0) == "-0");
  CHECK(shortest(0.1 + 0.2) == "0.30000000000000004");
  CHECK(shortest(1e20) == "1e+20");
}

TEST_CASE("write_integer: the whole range of 64-bit integers") {
  const auto text = [](auto value) {
    char digits[streamlab::max_integer_chars];
    return std::string(digits, streamlab::write_integer(digits, value));
  };
  const auto reference = [](auto value) {
    char digits[32];
    return std::string(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  };
  CHECK(text(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(text(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
  CHECK(text(0) == "0");
  // Every length, and both sides of every power of ten.
  for (std::uint64_t power = 1; power <= 1'000'000'000'000'000'000; power *= 10) {
    for (const std::uint64_t value : {power - 1, power, power + 1}) {
      REQUIRE(text(value) == reference(value));
      const auto negative = -static_cast<std::int64_t>(value);
      REQUIRE(text(negative) == reference(negative));
    }
  }
  streamlab::Random random{7};
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t bits = random.next_u64();
    const std::uint64_t value = bits >> random.uniform_int(0, 63);  // every magnitude
    REQUIRE(text(value) == reference(value));
    REQUIRE(text(static_cast<std::int64_t>(value)) == reference(static_cast<std::int64_t>(value)));
    REQUIRE(text(static_cast<std::int32_t>(value)) == reference(static_cast<std::int32_t>(value)));
    REQUIRE(text(static_cast<std::uint16_t>(value)) == reference(static_cast<std::uint16_t>(value)));
  }
}

TEST_CASE("write_* stay within the room they are given") {
  // The fast paths store 8 bytes at a time and use what is after the number as scratch, but never
  // past max_*_chars: canaries right after the room must survive (ASan would also catch it).
  constexpr char canary = '#';
  std::array<char, streamlab::max_fixed_chars + 16> text{};
  const auto room_kept = [&](std::size_t room) {
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(room), text.end(),
                       [](char c) { return c == canary; });
  };
  for (const double value : {-1234.5678, -0.00000001, 0.5, -9999.99995, -99999999.5, 1e15, -4.5e15}) {
    text.fill(canary);
    streamlab::write_shortest(text.data(), value);
    CHECK(room_kept(streamlab::max_shortest_chars));
    for (const int decimals : {0, 4, 8, 9}) {  // 4 and 8 take the small path for the small values
      text.fill(canary);
      streamlab::write_fixed(text.data(), value, decimals);
      CHECK(room_kept(streamlab::max_fixed_chars));
    }
  }
  for (const std::int64_t value :
       {std::int64_t{-1}, std::int64_t{-999'999'999'999'999}, std::numeric_limits<std::int64_t>::min()}) {
    text.fill(canary);
    streamlab::write_integer(text.data(), value);
    CHECK(room_kept(streamlab::max_integer_chars));
  }
}
