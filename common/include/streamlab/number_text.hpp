// Numbers as text, fast and exact: what a sink writing millions of CSV rows a second needs.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace streamlab {

// write_fixed() and write_shortest() may use the whole room they are given as scratch: only the
// text up to the pointer they return is the number (fixed-size copies are faster than exact ones).

/// Room write_fixed() may need: a sign, 309 integer digits (DBL_MAX), a point and 9 decimals.
inline constexpr std::size_t max_fixed_chars = 320;
/// Room write_shortest() may need: `-2.2250738585072014e-308` is 24 characters.
inline constexpr std::size_t max_shortest_chars = 24;
/// Room write_integer() may need: 20 digits and a sign.
inline constexpr std::size_t max_integer_chars = 21;

/// Writes `value` with exactly `decimals` digits after the point (0 to 9) at `first`, which must
/// have room for max_fixed_chars, and returns one past the last character. Rounds as
/// `printf("%.*f")` rounds — on the exact binary value, ties to even — so the text is the same as
/// `std::to_chars(first, last, value, std::chars_format::fixed, decimals)` gives: `-0.5000`,
/// `12.3457`, `nan`, `-inf`. Values below 2^52 / 10^decimals (all but the huge) take a fast path
/// that scales to a whole number (bench/README.md compares it with fmt and std::to_chars).
/// Throws std::invalid_argument for `decimals` outside 0–9.
///
/// **Example**
/// \code
/// char text[streamlab::max_fixed_chars];
/// const char* end = streamlab::write_fixed(text, 2.0 / 3.0, 4);  // "0.6667"
/// file.write(std::string_view(text, end - text));
/// \endcode
char* write_fixed(char* first, double value, int decimals);

/// Writes the shortest text that reads back as the same double at `first`, which must have room
/// for max_shortest_chars, and returns one past the last character: the same text as
/// `std::to_chars(first, last, value)` gives (`23.456`, `0.1`, `1e+20`, `-0`). Values between
/// 0.001 and 10,000 with up to 15 significant digits (the common reading) take a fast path: the
/// value rounded to 4 decimals, then to fewer or more, until the text reads back exactly.
char* write_shortest(char* first, double value) noexcept;

namespace detail {
/// write_integer() for values of 10^8 and more.
char* write_long_unsigned(char* first, std::uint64_t value) noexcept;
}  // namespace detail

/// Writes a whole number in decimal at `first`, which must have room for max_integer_chars, and
/// returns one past the last character: the same text as std::to_chars. Below 10^8 it is
/// std::to_chars itself; from 10^8 up (a millisecond timestamp has 13 digits) the last eight
/// digits are made at once (bench/README.md has the figures).
template <std::integral T>
char* write_integer(char* first, T value) noexcept {
  if constexpr (sizeof(T) >= 8) {
    constexpr T ten_to_8 = 100'000'000;
    if (value >= ten_to_8) return detail::write_long_unsigned(first, static_cast<std::uint64_t>(value));
    if constexpr (std::is_signed_v<T>) {
      if (value <= -ten_to_8) {
        *first = '-';
        return detail::write_long_unsigned(first + 1,
                                           static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(value));
      }
    }
  }
  return std::to_chars(first, first + max_integer_chars, value).ptr;
}

}  // namespace streamlab
