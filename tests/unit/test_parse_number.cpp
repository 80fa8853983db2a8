#include "kernels/decimal.hpp"
#include "streamlab/parse_number.hpp"
#include "streamlab/random.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

using streamlab::parse_double;
using streamlab::parse_number;
using streamlab::RowError;

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
    CHECK(parsed.error == RowError::not_a_number);
    CHECK(parsed.value == 0.0);
  }
  CHECK(parse_double("").error == RowError::empty_field);
  CHECK(parse_double("   ").error == RowError::empty_field);
  CHECK(parse_double(std::string("1\0", 2)).error == RowError::not_a_number);  // a NUL byte is not part of a number
  CHECK(streamlab::row_error_text(*parse_double("x").error) == "not a number");
}

TEST_CASE("NaN, infinities and out-of-range values are rejected") {
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity"}) {
    INFO(bad);
    CHECK(parse_double(bad).error == RowError::non_finite);
  }
  CHECK(parse_double("1e400").error == RowError::out_of_range);
  CHECK(parse_double("-1e400").error == RowError::out_of_range);
}

TEST_CASE("parse_double is parse_number<double>: one parser, one result type") {
  for (const char* text : {"12", " -3.5 ", "+1e-3", "1e400", "nan", "x", ""}) {
    INFO(text);
    const streamlab::ParseResult<double> a = parse_double(text);
    const streamlab::ParseResult<double> b = parse_number<double>(text);
    CHECK(a.error == b.error);
    CHECK(std::memcmp(&a.value, &b.value, sizeof a.value) == 0);
  }
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

TEST_CASE("parse_number: integers and floating point, and every reason") {
  CHECK(parse_number<int>("42").value == 42);
  CHECK(parse_number<int>(" -42\t").value == -42);
  CHECK(parse_number<int>("+42").value == 42);
  CHECK(parse_number<double>("1.5e3").value == 1500.0);
  CHECK(parse_number<double>(".5").value == 0.5);
  CHECK(parse_number<std::int64_t>("9223372036854775807").value == std::numeric_limits<std::int64_t>::max());

  CHECK(parse_number<int>("").error == RowError::empty_field);
  CHECK(parse_number<double>("  ").error == RowError::empty_field);
  CHECK(parse_number<int>("abc").error == RowError::not_a_number);
  CHECK(parse_number<int>("12abc").error == RowError::not_a_number);
  CHECK(parse_number<int>("1.5").error == RowError::not_a_number);
  CHECK(parse_number<int>("+").error == RowError::not_a_number);
  CHECK(parse_number<int>("+-1").error == RowError::not_a_number);
  CHECK(parse_number<double>("1,5").error == RowError::not_a_number);
  CHECK(parse_number<double>("0x10").error == RowError::not_a_number);
  CHECK(parse_number<std::int64_t>("9223372036854775808").error == RowError::out_of_range);
  CHECK(parse_number<std::int32_t>("3000000000").error == RowError::out_of_range);
  CHECK(parse_number<unsigned>("-3").error == RowError::out_of_range);
  CHECK(parse_number<unsigned>("-x").error == RowError::not_a_number);
  CHECK(parse_number<double>("1e400").error == RowError::out_of_range);
  CHECK(parse_number<double>("-1e400").error == RowError::out_of_range);
  CHECK(parse_number<double>("nan").error == RowError::non_finite);
  CHECK(parse_number<double>("NaN").error == RowError::non_finite);
  CHECK(parse_number<double>("inf").error == RowError::non_finite);
  CHECK(parse_number<double>("-Infinity").error == RowError::non_finite);
  CHECK(parse_number<float>("1e39").error == RowError::out_of_range);
}

TEST_CASE("parse_number<double>: the fast path gives exactly the double from_chars gives") {
  // Clinger's fast path covers `[-]digits[.digits]` up to 15 digits; everything else goes to
  // from_chars. Either way the result must be bit for bit from_chars' own.
  const auto from_chars = [](const std::string& text) {
    double value = 0;
    // std::from_chars where the library has it for double (libstdc++), strtod where not (libc++ 16).
    const auto result = streamlab::detail::from_chars_floating(text.data(), text.data() + text.size(), value);
    REQUIRE(result.ec == std::errc{});
    REQUIRE(result.ptr == text.data() + text.size());
    return value;
  };
  streamlab::Random random{7};
  std::vector<std::string> texts = {"0",
                                    "-0",
                                    "0.0",
                                    "007",
                                    "5.",
                                    "-5.",
                                    "1e5",
                                    "0.1",
                                    "0.3",
                                    "1.15",
                                    "2.675",
                                    "123456789012345",
                                    "1234567890123456",
                                    "9007199254740993",
                                    "0.000000000000001",
                                    "999999999999999.9"};
  for (int i = 0; i < 100'000; ++i) {
    std::string text = random.bernoulli(0.5) ? "-" : "";
    const auto digits = random.uniform_int(1, 18);
    const auto point = random.uniform_int(0, digits);  // digits: no point
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + random.uniform_int(0, 9));
    }
    texts.push_back(text);
  }
  for (const auto& text : texts) {
    INFO(text);
    const auto field = streamlab::parse_number<double>(text);
    REQUIRE(field);
    const double expected = from_chars(text);
    CHECK(std::memcmp(&field.value, &expected, sizeof expected) == 0);  // bits: -0.0 is not 0.0
  }
}

TEST_CASE("parse_eight_digits: eight digits at once, and any other byte anywhere refused") {
  std::uint32_t value = 0;
  REQUIRE(streamlab::detail::parse_eight_digits("00000000", value));
  CHECK(value == 0);
  REQUIRE(streamlab::detail::parse_eight_digits("17000000", value));
  CHECK(value == 17'000'000);
  REQUIRE(streamlab::detail::parse_eight_digits("99999999", value));
  CHECK(value == 99'999'999);
  streamlab::Random random{11};
  for (int i = 0; i < 10'000; ++i) {
    const auto expected = static_cast<std::uint32_t>(random.uniform_int(0, 99'999'999));
    char text[9];
    std::snprintf(text, sizeof text, "%08u", expected);
    REQUIRE(streamlab::detail::parse_eight_digits(text, value));
    CHECK(value == expected);
  }
  // Every byte that is not '0'–'9', at every position (the neighbours of '0' and '9' included).
  for (int position = 0; position < 8; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      if (byte >= '0' && byte <= '9') continue;
      char text[9] = "12345678";
      text[position] = static_cast<char>(byte);
      INFO("byte " << byte << " at " << position);
      CHECK_FALSE(streamlab::detail::parse_eight_digits(text, value));
    }
  }
}

namespace {
// parse_number<T>(text) must say what std::from_chars says when it has to consume the whole text.
template <typename T>
void check_like_from_chars(const std::string& text) {
  INFO(text);
  T expected = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), expected);
  const auto field = streamlab::parse_number<T>(text);
  if (result.ec == std::errc{} && result.ptr == text.data() + text.size()) {
    REQUIRE(field);
    CHECK(field.value == expected);
  } else {
    CHECK_FALSE(field);
  }
}
}  // namespace

TEST_CASE("parse_number<integer>: 1 to 19 digits, and a bad character anywhere, as from_chars says") {
  // The fast path takes eight digits at a time; from_chars, with the whole text consumed, is the
  // reference for the value and for whether it is a number at all.
  streamlab::Random random{13};
  const auto check = [](const std::string& text) {
    check_like_from_chars<std::int64_t>(text);
    check_like_from_chars<std::uint64_t>(text);
    check_like_from_chars<std::int32_t>(text);  // at most one step of eight digits
  };
  for (int i = 0; i < 50'000; ++i) {
    std::string text = random.bernoulli(0.2) ? "-" : "";
    const auto digits = random.uniform_int(1, 19);
    for (int d = 0; d < digits; ++d) text += static_cast<char>('0' + random.uniform_int(0, 9));
    check(text);
    if (random.bernoulli(0.5)) {  // one character replaced by something else
      text[static_cast<std::size_t>(random.uniform_int(0, static_cast<std::int64_t>(text.size()) - 1))] =
          "x.:/e-"[random.uniform_int(0, 5)];  // not ' ' or '+': parse_number allows them at the ends
      check(text);
    }
  }
}

TEST_CASE("first_error picks the first failing value") {
  const auto t = parse_number<std::int64_t>("1");
  const auto id = parse_number<unsigned>("-1");
  const auto v = parse_number<double>("nan");
  CHECK(streamlab::first_error(t, id, v) == RowError::out_of_range);
  CHECK(streamlab::first_error(t) == std::nullopt);
}
