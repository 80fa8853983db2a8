#include "streamlab/parse_number.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <system_error>

using streamlab::parse_double;

TEST_CASE("plain, signed, scientific numbers parse exactly, with blanks around them") {
  CHECK(parse_double("12").value == 12.0);
  CHECK(parse_double("-3.5").value == -3.5);
  CHECK(parse_double("+0.25").value == 0.25);
  CHECK(parse_double("1e-3").value == 0.001);
  CHECK(parse_double(" \t42.5  ").value == 42.5);
  CHECK(parse_double("0.1").value == 0.1);  // the double nearest 0.1, like the compiler's
  CHECK(parse_double("10000000.1").value == 10000000.1);
  CHECK(parse_double("4.9e-324"));  // the smallest subnormal is in range
}

TEST_CASE("text that is not entirely a number is rejected with a reason") {
  for (const char* bad : {"abc", "12abc", "1,5", "0x10", "--1", "+-1", "++1", "+", "-", ".", "1 2", "e5"}) {
    INFO(bad);
    const auto parsed = parse_double(bad);
    CHECK_FALSE(parsed);
    CHECK(std::string(parsed.error).rfind("not a number", 0) == 0);
  }
  CHECK(std::string(parse_double("").error) == "empty");
  CHECK(std::string(parse_double("   ").error) == "empty");
  CHECK_FALSE(parse_double(std::string("1\0", 2)));  // a NUL byte is not part of a number
}

TEST_CASE("NaN, infinities and out-of-range values are rejected") {
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity"}) {
    INFO(bad);
    CHECK(std::string(parse_double(bad).error) == "not a finite number (NaN or infinity)");
  }
  CHECK(std::string(parse_double("1e400").error) == "out of range for a double");
  CHECK(std::string(parse_double("-1e400").error) == "out of range for a double");
}

TEST_CASE("from_chars_floating reads what std::from_chars reads, wherever the library lacks it") {
  // Under libstdc++ this is std::from_chars itself; under libc++ 16 it is the strtod fallback, and
  // these cases pin down the grammar both must share.
  struct Case {
    std::string text;
    std::size_t consumed;  // characters taken; 0 for invalid_argument
    double value;
  };
  const Case cases[] = {
      {"1", 1, 1.0},
      {"-2.5", 4, -2.5},
      {"1.", 2, 1.0},
      {".5", 2, 0.5},
      {"1e3", 3, 1000.0},
      {"1E-2", 4, 0.01},
      {"1e", 1, 1.0},
      {"1e+", 1, 1.0},
      {"2.5x", 3, 2.5},
      {"12,5", 2, 12.0},
      {"0x10", 1, 0.0},
      {"-0", 2, -0.0},
      {"inf", 3, HUGE_VAL},
      {"-Infinity", 9, -HUGE_VAL},
      {"", 0, 0.0},
      {"-", 0, 0.0},
      {".", 0, 0.0},
      {"+1", 0, 0.0},
      {" 1", 0, 0.0},
      {"e5", 0, 0.0},
      {"0.1000000000000000055511151231257827", 36, 0.1},
  };
  for (const Case& c : cases) {
    INFO("text: '" << c.text << "'");
    double value = 42.0;
    const auto result = streamlab::detail::from_chars_floating(c.text.data(), c.text.data() + c.text.size(), value);
    if (c.consumed == 0) {
      CHECK(result.ec == std::errc::invalid_argument);
      CHECK(value == 42.0);
    } else {
      CHECK(result.ec == std::errc{});
      CHECK(static_cast<std::size_t>(result.ptr - c.text.data()) == c.consumed);
      CHECK(value == c.value);
      CHECK(std::signbit(value) == std::signbit(c.value));
    }
  }
  double value = 42.0;
  const std::string nan_text = "nan(123)";
  auto result = streamlab::detail::from_chars_floating(nan_text.data(), nan_text.data() + nan_text.size(), value);
  CHECK(result.ec == std::errc{});
  CHECK(result.ptr == nan_text.data() + nan_text.size());
  CHECK(std::isnan(value));
  for (const std::string huge : {"1e400", "-1e400", "1e-400"}) {
    INFO(huge);
    value = 42.0;
    result = streamlab::detail::from_chars_floating(huge.data(), huge.data() + huge.size(), value);
    CHECK(result.ec == std::errc::result_out_of_range);
    CHECK(result.ptr == huge.data() + huge.size());
    CHECK(value == 42.0);
  }
  float single = 0;
  const std::string text = "0.1";
  CHECK(streamlab::detail::from_chars_floating(text.data(), text.data() + text.size(), single).ec == std::errc{});
  CHECK(single == 0.1f);
}
