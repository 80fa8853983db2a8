// RowError: why a record, or a field of it, was rejected. Bad data is a value with a stable name, never an exception.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace streamlab {

/// Why a row of input was rejected: a field that is not a number of the type asked for
/// (parse_number(), CsvRow::get()), or a malformed CSV record (CsvReader). The names are stable
/// (see row_error_name()): they are counted, printed and written to dead-letter files, so do not
/// rename them. See common/README.md for the library's error model.
enum class RowError : std::uint8_t {
  wrong_field_count,   ///< more or fewer fields than the header
  empty_field,         ///< a field that must hold a number is empty
  not_a_number,        ///< a field that must hold a number does not
  out_of_range,        ///< a number too large (1e400) or small for its type, or outside its column's range
  non_finite,          ///< NaN or ±infinity
  unterminated_quote,  ///< a quoted field still open at the end of the input (or line: records_span_lines)
  line_too_long,       ///< a record longer than its reader allows (CsvOptions::max_record_bytes; the rest is skipped)
  nul_byte,            ///< a NUL byte: binary data, not text
  too_many_keys,       ///< a new key (a sensor id) past a limit on distinct keys (Dictionary's capacity)
};

/// True for the reasons a record is refused although its fields parsed as their types: a value no
/// reading can have (out of its column's range, NaN or infinite) or a key past a limit. The others
/// are about the record's shape or a field's text. A pipeline that reports Parse and Filter apart
/// (lesson 09) splits its rejections with it.
constexpr bool is_refused_value(RowError error) noexcept {
  return error == RowError::out_of_range || error == RowError::non_finite || error == RowError::too_many_keys;
}

/// How many RowError values there are: size an array of counters with it, index it with row_error_index().
inline constexpr std::size_t row_error_count = 9;

/// Every RowError, in declaration order (for printing counts by reason).
inline constexpr std::array<RowError, row_error_count> all_row_errors = {
    RowError::wrong_field_count, RowError::empty_field, RowError::not_a_number,
    RowError::out_of_range,      RowError::non_finite,  RowError::unterminated_quote,
    RowError::line_too_long,     RowError::nul_byte,    RowError::too_many_keys};

/// The position of `error` in all_row_errors, for arrays of counters.
constexpr std::size_t row_error_index(RowError error) noexcept { return static_cast<std::size_t>(error); }

/// The stable machine name of a reason, e.g. `not_a_number`.
constexpr std::string_view row_error_name(RowError error) noexcept {
  constexpr std::array<std::string_view, row_error_count> names = {
      "wrong_field_count",  "empty_field",   "not_a_number", "out_of_range", "non_finite",
      "unterminated_quote", "line_too_long", "nul_byte",     "too_many_keys"};
  return names[row_error_index(error)];
}

/// A short human description of a reason, e.g. `not a number`.
constexpr std::string_view row_error_text(RowError error) noexcept {
  constexpr std::array<std::string_view, row_error_count> texts = {
      "wrong number of fields", "empty field",   "not a number", "number out of range",   "NaN or infinity",
      "unterminated quote",     "line too long", "NUL byte",     "too many distinct keys"};
  return texts[row_error_index(error)];
}

}  // namespace streamlab
