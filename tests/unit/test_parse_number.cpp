#include "streamlab/parse_number.hpp"

#include <catch2/catch.hpp>

#include <string>

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
