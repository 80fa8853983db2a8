// Private fast kernels for decimal text: exact powers of ten, Clinger's fast path, eight digits at once.
// Internal to the library (never installed): parse_number.cpp and number_text.cpp use them, and
// the tests reach them through the streamlab_internal target.
#pragma once

#include <array>
#include <bit>
#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace streamlab::detail {

/// 10^0 to 10^22: every one of them is a double exactly.
inline constexpr std::array<double, 23> exact_powers_of_ten = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// The double nearest `digits` / 10^decimals, for digits < 2^53 and decimals ≤ 22 (Clinger's fast
/// path): both are doubles exactly, so the one division is correctly rounded — the very double
/// std::from_chars gives for that decimal. Parsing (parse_plain_decimal) and writing
/// (write_shortest, which checks that its text reads back) rely on the same fact.
constexpr double exact_decimal(std::uint64_t digits, std::size_t decimals) noexcept {
  return static_cast<double>(digits) / exact_powers_of_ten[decimals];
}

/// The eight characters at `p` as a number, when all eight are digits: one load and three
/// multiplies that join neighbouring digits into pairs, the pairs into fours, the fours into the
/// eight — instead of eight multiply-adds each waiting on the one before. Reads exactly 8 bytes.
inline bool parse_eight_digits(const char* p, std::uint32_t& value) noexcept {
  static_assert(std::endian::native == std::endian::little, "the first character is the lowest byte");
  std::uint64_t bytes;
  std::memcpy(&bytes, p, 8);
  // A digit is 0x30–0x39: its high half is 3, and stays 3 when 6 is added (0x3A–0x3F become 0x4_).
  constexpr std::uint64_t high_halves = 0xF0F0F0F0F0F0F0F0;
  if (((bytes & high_halves) | (((bytes + 0x0606060606060606) & high_halves) >> 4)) != 0x3333333333333333) return false;
  bytes &= 0x0F0F0F0F0F0F0F0F;                                       // eight digits, first in the lowest byte
  bytes = (bytes * (1 + (10 << 8))) >> 8;                            // byte 2k: 10·d[2k] + d[2k+1]
  bytes = ((bytes & 0x00FF00FF00FF00FF) * (1 + (100 << 16))) >> 16;  // 16-bit lane 2k: four digits
  value = static_cast<std::uint32_t>(((bytes & 0x0000FFFF0000FFFF) * (1 + (10000ULL << 32))) >> 32);  // all eight
  return true;
}

/// The common number `[-]digits[.digits]` with at most 15 digits (so < 10^15 < 2^53), read with
/// exact_decimal() in a fraction of std::from_chars' time. Returns false, leaving `value` alone,
/// for anything else (an exponent, `.5`, `5.`, `inf`, junk, too many digits).
inline bool parse_plain_decimal(const char* p, const char* last, double& value) noexcept {
  if constexpr (FLT_EVAL_METHOD != 0) return false;  // wider intermediates (x87) would round twice
  const bool minus = p < last && *p == '-';
  if (minus) ++p;
  const auto is_digit = [](char c) { return static_cast<unsigned char>(c - '0') < 10; };
  std::uint64_t digits = 0;
  int count = 0;
  std::size_t decimals = 0;
  for (; p < last && is_digit(*p); ++p, ++count) digits = digits * 10 + static_cast<unsigned>(*p - '0');
  if (count == 0) return false;  // `.5`, `-`, `inf`: from_chars decides
  if (p < last && *p == '.') {
    const char* const fraction = ++p;
    for (; p < last && is_digit(*p); ++p, ++count) digits = digits * 10 + static_cast<unsigned>(*p - '0');
    decimals = static_cast<std::size_t>(p - fraction);
    if (decimals == 0) return false;  // `5.`
  }
  if (p != last || count > 15) return false;  // an exponent, junk, or too many digits to be exact
  const double magnitude = exact_decimal(digits, decimals);
  value = minus ? -magnitude : magnitude;
  return true;
}

}  // namespace streamlab::detail
