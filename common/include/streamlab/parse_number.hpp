// parse_double: one number from text, strictly, with the reason when the text is not a number.
#pragma once

#include <string_view>

namespace streamlab {

/// The result of parsing a number: the value, or why there is none. Data errors are values, not
/// exceptions: a stream counts them and goes on.
struct ParsedNumber {
  double value = 0.0;      ///< the number (0 when there is none)
  std::string_view error;  ///< empty when the text was a number; otherwise a short reason
  /// True when the text was a number.
  explicit operator bool() const noexcept { return error.empty(); }
};

/// Parses a decimal or scientific number (`12`, `-3.5`, `+1e-3`) from `text`, ignoring spaces and
/// tabs around it, with `std::from_chars` (no locale, no allocation, exact rounding). Rejects, with
/// a reason: empty text, anything that is not entirely a number (`12abc`, `1,5`, `0x10`), NaN and
/// infinities, and values out of a double's range (`1e400`).
///
/// **Example**
/// \code
/// if (auto number = streamlab::parse_double(" 3.25 ")) use(number.value);
/// else fmt::print(stderr, "line {}: {}\n", line_number, number.error);   // e.g. "not a number"
/// \endcode
ParsedNumber parse_double(std::string_view text) noexcept;

}  // namespace streamlab
