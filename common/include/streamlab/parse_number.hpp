// parse_number<T> and parse_double: one number from text, strictly, with the reason when the text is not one.
#pragma once

#include "streamlab/row_error.hpp"

#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

namespace streamlab {

/// The result of parsing a number: the value, or why there is none. Bad data is a value, not an
/// exception: a stream counts it and goes on. The same type for every parser of the library
/// (parse_number(), parse_double(), CsvRow::get()).
template <typename T>
struct ParseResult {
  T value{};                      ///< the number (T{} when there is an error)
  std::optional<RowError> error;  ///< why the text is not a valid T, if it is not
  /// True when the text was a valid T.
  explicit operator bool() const noexcept { return !error; }
};

/// The types parse_number() reads: the standard integer types (not bool or the character types)
/// and float and double.
template <typename T>
concept ParsableNumber =
    std::same_as<T, short> || std::same_as<T, unsigned short> || std::same_as<T, int> || std::same_as<T, unsigned> ||
    std::same_as<T, long> || std::same_as<T, unsigned long> || std::same_as<T, long long> ||
    std::same_as<T, unsigned long long> || std::same_as<T, float> || std::same_as<T, double>;

/// Converts `text` to an integer or a floating-point number with the grammar of std::from_chars
/// (decimal; plain or scientific for floating point): no locale, no allocation, no exceptions, and
/// the double nearest the decimal, exactly as std::from_chars gives it (the common plain numbers
/// take a faster path to the same double). Spaces and tabs around the number and a leading `+`
/// are allowed. Reasons: `empty_field` (nothing but blanks); `not_a_number` (text, or trailing
/// junk such as `12abc`, `1,5`, `0x10`); `out_of_range` (too large for T, `1e400`, or a negative
/// value for an unsigned T); `non_finite` (`nan`, `inf`).
///
/// **Example**
/// \code
/// if (auto number = streamlab::parse_number<double>(" 3.25 ")) use(number.value);
/// else fmt::print(stderr, "line {}: {}\n", line_number, streamlab::row_error_text(*number.error));
/// \endcode
template <ParsableNumber T>
ParseResult<T> parse_number(std::string_view text) noexcept;

// Compiled once, in the library (src/parse_number.cpp), with its fast kernels.
extern template ParseResult<short> parse_number<short>(std::string_view) noexcept;
extern template ParseResult<unsigned short> parse_number<unsigned short>(std::string_view) noexcept;
extern template ParseResult<int> parse_number<int>(std::string_view) noexcept;
extern template ParseResult<unsigned> parse_number<unsigned>(std::string_view) noexcept;
extern template ParseResult<long> parse_number<long>(std::string_view) noexcept;
extern template ParseResult<unsigned long> parse_number<unsigned long>(std::string_view) noexcept;
extern template ParseResult<long long> parse_number<long long>(std::string_view) noexcept;
extern template ParseResult<unsigned long long> parse_number<unsigned long long>(std::string_view) noexcept;
extern template ParseResult<float> parse_number<float>(std::string_view) noexcept;
extern template ParseResult<double> parse_number<double>(std::string_view) noexcept;

/// parse_number<double>(text): a decimal or scientific number (`12`, `-3.5`, `+1e-3`).
///
/// **Example**
/// \code
/// const auto number = streamlab::parse_double("1e400");   // !number, *number.error == RowError::out_of_range
/// \endcode
inline ParseResult<double> parse_double(std::string_view text) noexcept { return parse_number<double>(text); }

/// The first error among several parsed values, if any: `if (auto why = first_error(t, id, v)) ...`.
template <typename... Ts>
std::optional<RowError> first_error(const ParseResult<Ts>&... results) noexcept {
  std::optional<RowError> error;
  ((error = error ? error : results.error), ...);
  return error;
}

namespace detail {
/// `std::from_chars(first, last, value)` for a float or a double (chars_format::general): the
/// standard library's own where it has one (libstdc++ 11 on), otherwise the same grammar scanned
/// here — an optional `-`, digits with at most one point, an optional exponent; or `inf`,
/// `infinity`, `nan` — and converted by strtod/strtof, which round correctly. (libc++ before 20,
/// as on macOS, has no floating-point from_chars; StreamLab never changes the C locale that strtod
/// reads the decimal point from.) Same results: the end of the number, `invalid_argument`, or
/// `result_out_of_range` with `value` untouched when the number overflows or underflows to zero.
std::from_chars_result from_chars_floating(const char* first, const char* last, double& value) noexcept;
/// \copydoc from_chars_floating(const char*, const char*, double&)
std::from_chars_result from_chars_floating(const char* first, const char* last, float& value) noexcept;
}  // namespace detail

}  // namespace streamlab
