// CsvReader: a streaming CSV reader (RFC 4180) in constant memory, whose bad rows are values, not exceptions.
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/input_file.hpp"
#include "streamlab/parse_number.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace streamlab {

/// Why a CSV row was rejected. The names are stable (see row_error_name()): they are counted,
/// printed and written to dead-letter files, so do not rename them.
enum class RowError : std::uint8_t {
  wrong_field_count,   ///< more or fewer fields than the header
  empty_field,         ///< a field that must hold a number is empty
  not_a_number,        ///< a field that must hold a number does not
  out_of_range,        ///< a number too large (1e400) or too small for its type, or negative where it may not be
  non_finite,          ///< NaN or ±infinity
  unterminated_quote,  ///< a quoted field still open at the end of the input
  line_too_long,       ///< a record longer than CsvOptions::max_record_bytes (the rest of its line is skipped)
  nul_byte,            ///< a NUL byte: binary data, not text
};

/// How many RowError values there are: size an array of counters with it, index it with row_error_index().
inline constexpr std::size_t row_error_count = 8;

/// Every RowError, in declaration order (for printing counts by reason).
inline constexpr std::array<RowError, row_error_count> all_row_errors = {
    RowError::wrong_field_count, RowError::empty_field,        RowError::not_a_number,  RowError::out_of_range,
    RowError::non_finite,        RowError::unterminated_quote, RowError::line_too_long, RowError::nul_byte};

/// The position of `error` in all_row_errors, for arrays of counters.
constexpr std::size_t row_error_index(RowError error) noexcept { return static_cast<std::size_t>(error); }

/// The stable machine name of a reason, e.g. `not_a_number`.
constexpr std::string_view row_error_name(RowError error) noexcept {
  constexpr std::array<std::string_view, row_error_count> names = {
      "wrong_field_count", "empty_field",        "not_a_number",  "out_of_range",
      "non_finite",        "unterminated_quote", "line_too_long", "nul_byte"};
  return names[row_error_index(error)];
}

/// A short human description of a reason, e.g. `not a number`.
constexpr std::string_view row_error_text(RowError error) noexcept {
  constexpr std::array<std::string_view, row_error_count> texts = {
      "wrong number of fields", "empty field",        "not a number",  "number out of range",
      "NaN or infinity",        "unterminated quote", "line too long", "NUL byte"};
  return texts[row_error_index(error)];
}

/// A rejected row: where it starts, why, and (the start of) its text as it was in the input.
struct BadRow {
  /// At most this many bytes of a bad row's text are kept, so one huge row cannot eat memory.
  static constexpr std::size_t max_text_bytes = 256;

  std::uint64_t line = 0;                         ///< 1-based line on which the record starts
  RowError reason = RowError::wrong_field_count;  ///< why it was rejected
  std::string text;  ///< the raw record (quotes kept, no line ending), cut to max_text_bytes
};

/// A field converted to a number: `value`, or the reason it could not be.
template <typename T>
struct Field {
  T value{};                      ///< the number (T{} when there is an error)
  std::optional<RowError> error;  ///< why the field is not a valid T, if it is not
  /// True when the field holds a valid T.
  explicit operator bool() const noexcept { return !error; }
};

/// Converts one field to an integer or a floating-point number with std::from_chars (plain digits
/// and plain decimals take an exact fast path first): no locale, no allocation, no exceptions.
/// Spaces and tabs around the number and a leading `+` are allowed.
/// Reasons: empty_field; not_a_number (text, or trailing junk such as `12abc`); out_of_range
/// (too large for T, `1e400`, or a negative value for an unsigned T); non_finite (`nan`, `inf`).
template <typename T>
requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) Field<T> parse_field(std::string_view text)
noexcept {
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (text.empty()) return {T{}, RowError::empty_field};
  if (text.front() == '+' && text.size() > 1 && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  const char* const first = text.data();
  const char* const last = first + text.size();
  Field<T> field;
  std::from_chars_result result{};
  if constexpr (std::is_floating_point_v<T>) {
    if constexpr (std::is_same_v<T, double>) {
      if (detail::parse_plain_decimal(first, last, field.value)) return field;
    }
    result = detail::from_chars_floating(first, last, field.value);
  } else {
    // Fast path: up to digits10 plain digits cannot overflow T, so no checks are needed per digit.
    const bool minus = std::is_signed_v<T> && *first == '-';
    const char* digits = minus ? first + 1 : first;
    const auto count = static_cast<std::size_t>(last - digits);
    if (count > 0 && count <= static_cast<std::size_t>(std::numeric_limits<T>::digits10)) {
      T value = 0;
      const char* p = digits;
      if constexpr (std::numeric_limits<T>::digits10 >= 8) {  // a timestamp's 13 digits: 8 at once, then 5
        std::uint32_t eight = 0;
        for (; last - p >= 8 && detail::parse_eight_digits(p, eight); p += 8)
          value = static_cast<T>(value * 100'000'000 + static_cast<T>(eight));
      }
      for (; p < last && static_cast<unsigned char>(*p - '0') < 10; ++p)
        value = static_cast<T>(value * 10 + static_cast<T>(*p - '0'));
      if (p == last) {
        field.value = minus ? static_cast<T>(-value) : value;
        return field;
      }
    }
    result = std::from_chars(first, last, field.value, 10);
    if constexpr (std::is_unsigned_v<T>) {
      // from_chars rejects any '-' for unsigned types; a negative whole number is out of range, not text.
      if (result.ec == std::errc::invalid_argument && text.size() > 1 && text.front() == '-') {
        std::intmax_t negative = 0;
        const auto signed_result = std::from_chars(first, last, negative, 10);
        if ((signed_result.ec == std::errc{} || signed_result.ec == std::errc::result_out_of_range) &&
            signed_result.ptr == last) {
          return {T{}, RowError::out_of_range};
        }
      }
    }
  }
  if (result.ec == std::errc::result_out_of_range) return {T{}, RowError::out_of_range};
  if (result.ec != std::errc{} || result.ptr != last) return {T{}, RowError::not_a_number};
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(field.value)) return {T{}, RowError::non_finite};
  }
  return field;
}

namespace detail {
/// The bytes among the 16 at `p` that end an unquoted CSV run — `delimiter`, '\n', '"' and NUL —
/// one bit each, bit i for p[i]. Reads exactly 16 bytes. With SSE2 (every x86-64 CPU has it) the
/// 16 are compared at once; special_bytes_portable() gives the same bits in plain C++, eight bytes
/// per 64-bit word, on other CPUs.
std::uint32_t special_bytes(const char* p, char delimiter) noexcept;
/// special_bytes() without SIMD instructions (SWAR: eight bytes in a word, tested at once).
std::uint32_t special_bytes_portable(const char* p, char delimiter) noexcept;
}  // namespace detail

/// The first error among several parsed fields, if any: `if (auto why = first_error(t, id, v)) ...`.
template <typename... Ts>
std::optional<RowError> first_error(const Field<Ts>&... fields) noexcept {
  std::optional<RowError> error;
  ((error = error ? error : fields.error), ...);
  return error;
}

/// Settings of a CsvReader. A delimiter that is a quote, a line break or NUL, and a size of 0,
/// make the reader's factories throw std::invalid_argument.
struct CsvOptions {
  /// The field separator; not a quote, a line break or NUL.
  char delimiter = ',';
  /// The first record names the columns. Without a header, the first record sets the field count.
  bool has_header = true;
  /// A longer record is a `line_too_long` bad row (and the rest of its line is skipped); at least 1.
  std::size_t max_record_bytes = std::size_t{1} << 20;  // 1 MiB
  /// Bytes asked of each read(), at least 1; tests make it tiny so that records cross buffer boundaries.
  std::size_t read_bytes = 128 * 1024;
};

/// One record of a CSV file: its fields as views into the reader's buffer, valid until the next
/// call to CsvReader::next(). A row with error() set is a bad row; its fields may be incomplete.
class CsvRow {
 public:
  /// Made by CsvReader::next(); the views point into the reader's buffer.
  CsvRow(std::span<const std::string_view> fields, std::string_view raw, std::uint64_t line,
         std::optional<RowError> error) noexcept
      : fields_(fields), raw_(raw), line_(line), error_(error) {}

  /// 1-based line on which the record starts (a quoted field may carry it over several lines).
  std::uint64_t line() const noexcept { return line_; }
  /// Why the record itself is malformed (field count, quote, length, NUL), or nothing.
  std::optional<RowError> error() const noexcept { return error_; }
  /// Whether the record is well formed (no error()).
  bool ok() const noexcept { return !error_; }

  /// The number of fields.
  std::size_t size() const noexcept { return fields_.size(); }
  /// Field `i`, unquoted (`"a ""b"""` gives `a "b"`); `i` must be less than size().
  std::string_view operator[](std::size_t i) const noexcept { return fields_[i]; }
  /// All fields, unquoted.
  std::span<const std::string_view> fields() const noexcept { return fields_; }
  /// The record as it is in the input, quotes kept, without its line ending.
  std::string_view raw() const noexcept { return raw_; }

  /// Field `i` as a number (see parse_field); a missing field is `wrong_field_count`.
  template <typename T>
  Field<T> get(std::size_t i) const noexcept {
    if (i >= fields_.size()) return {T{}, RowError::wrong_field_count};
    return parse_field<T>(fields_[i]);
  }

  /// This row as a BadRow with `reason` (for a value rejected by the caller), its text capped.
  BadRow to_bad_row(RowError reason) const {
    return BadRow{line_, reason, std::string(raw_.substr(0, BadRow::max_text_bytes))};
  }
  /// This row as a BadRow with its own error(); call only when !ok().
  BadRow to_bad_row() const { return to_bad_row(error_.value_or(RowError::wrong_field_count)); }

 private:
  std::span<const std::string_view> fields_;
  std::string_view raw_;
  std::uint64_t line_;
  std::optional<RowError> error_;
};

/// Reads CSV records one at a time from a file, a file descriptor, stdin or a string, with one
/// fixed buffer, so memory does not grow with the input.
///
/// - RFC 4180: fields may be quoted; a quoted field may hold the delimiter, doubled quotes (`""`)
///   and line breaks. A UTF-8 byte order mark is skipped, `\r\n` and `\n` both end a record, the
///   last record needs no newline, blank lines are skipped.
/// - A malformed record is returned as a row with error() set, and reading goes on with the next
///   one; the caller counts it (CsvRow::to_bad_row). Only bad options (std::invalid_argument), I/O
///   errors (std::system_error) and a malformed header (std::runtime_error) throw.
/// - Fields are `std::string_view`s into the buffer: no allocation per row. Convert them with
///   CsvRow::get<T>() (std::from_chars), which is where a typed reader spends its time.
/// - Move-only, not thread-safe: one reader per thread (a pipeline's source stage).
///
/// **Example**
/// \code
/// auto reader = streamlab::CsvReader::open("readings.csv");
/// const std::size_t value = reader.require_column("value");
/// while (auto row = reader.next()) {
///   if (!row->ok()) { dead_letter(row->to_bad_row()); continue; }
///   auto v = row->get<double>(value);
///   if (!v) { dead_letter(row->to_bad_row(*v.error)); continue; }
///   total += v.value;
/// }
/// \endcode
class CsvReader {
 public:
  /// Opens a file; throws std::system_error naming the file and the reason (missing, a directory),
  /// or std::runtime_error for a malformed header.
  static CsvReader open(const std::filesystem::path& path, CsvOptions options = {});
  /// Reads from a descriptor the caller owns and closes (a pipe end, say).
  static CsvReader from_fd(int fd, CsvOptions options = {});
  /// Reads standard input.
  static CsvReader from_stdin(CsvOptions options = {});
  /// Reads `text`, which must outlive the reader (for tests and small inputs).
  static CsvReader from_string(std::string_view text, CsvOptions options = {});

  /// Takes over `other`'s input and position (the buffer moves with it: views stay valid).
  CsvReader(CsvReader&& other) noexcept = default;
  /// Closes this reader's input (if it owns it) and takes over `other`'s.
  CsvReader& operator=(CsvReader&& other) noexcept = default;

  /// The column names from the header row (empty if the input is empty or has_header is false).
  const std::vector<std::string>& header() const noexcept { return header_; }
  /// Whether no record has been found yet: true for an empty input (or one of blank lines only).
  bool empty() const noexcept { return empty_; }
  /// The index of the column called `name`, if there is one.
  std::optional<std::size_t> column(std::string_view name) const noexcept;
  /// The index of the column called `name`; throws std::runtime_error listing the columns if none.
  std::size_t require_column(std::string_view name) const;

  /// The next record, good or bad, or std::nullopt at the end of the input. Blocks on a pipe until
  /// a whole record (or the end) has arrived. Invalidates the previous row's views.
  std::optional<CsvRow> next();

  /// Total bytes read from the input so far.
  std::uint64_t bytes_read() const noexcept { return input_.bytes_read(); }
  /// Bytes read from the input but not yet returned as records. At 0 the next call to next()
  /// reads the input, and on a pipe that may wait for the writer: a stage that gathers records
  /// into chunks should hand on what it has first, so that those records do not wait too.
  std::size_t buffered_bytes() const noexcept { return input_.buffered(); }
  /// The input's name for messages: the path, `stdin`, `fd N` or `string`.
  const std::string& name() const noexcept { return input_.name(); }

 private:
  enum class Scan { record, blank, end };
  CsvReader(BufferedInput input, CsvOptions options);  // and start()
  void start();                                        // skips a BOM and reads the header
  Scan scan();                                         // reads one record into fields_/raw_/error_
  bool scan_plain_record();  // scan()'s fast path: a record without quotes or NUL, sixteen bytes at a time
  bool fill();               // more input into the buffer; false at the end of the input
  void skip_rest_of_line(std::size_t from);  // after a too-long record

  // The fast path loads sixteen bytes at a time: the buffer has this many spare bytes after the
  // last one fill() may use, so a load that starts before the end never leaves the buffer.
  static constexpr std::size_t load_padding = 16;
  // The members every record touches come first, next to each other.
  CsvOptions options_;
  BufferedInput input_;
  std::vector<std::string_view> fields_;
  std::string_view raw_;
  std::uint64_t record_line_ = 0;
  std::uint64_t lines_ = 0;          // physical lines consumed
  std::size_t expected_fields_ = 0;  // 0: not known yet
  std::optional<RowError> error_;
  bool empty_ = true;
  std::string unquoted_;             // fields with "" or text after the closing quote, unescaped
  std::array<bool, 256> special_{};  // bytes that end an unquoted run: delimiter, '\n', NUL
  std::vector<std::string> header_;
  std::string long_text_;  // the capped text of a too-long record (its bytes leave the buffer)
};

/// A block of rows in column order, like a pandas DataFrame chunk: one vector of doubles per numeric
/// column, and the bad rows met while the block was read.
struct CsvChunk {
  std::size_t index = 0;                     ///< 0-based chunk number
  std::uint64_t first_line = 0;              ///< line of the first record in the chunk
  std::size_t rows = 0;                      ///< good rows in the chunk (each column has this many values)
  std::vector<std::string> names;            ///< numeric column names, in file order
  std::vector<std::vector<double>> columns;  ///< columns[c][r]: the value of names[c] in good row r
  std::vector<BadRow> bad_rows;              ///< rows skipped in this chunk, with their reasons

  /// The values of the numeric column `name`; throws std::out_of_range if it is not one.
  const std::vector<double>& column(std::string_view name) const;
};

/// Reads `reader` in chunks of `records_per_chunk` records (good and bad together, so a chunk's
/// memory is bounded even if every row is bad). The numeric columns are `numeric_columns` or, if
/// that is empty, those whose cell in the first well-formed row looks like a number (parses, or is
/// out of range or non-finite). A row whose numeric cell is not a finite number is a bad row.
/// The chunk is reused: move from it to keep it past the next step. Throws std::invalid_argument
/// at the call when `records_per_chunk` is 0.
///
/// **Example**
/// \code
/// for (auto& chunk : streamlab::chunks(streamlab::CsvReader::open("data.csv"), 10'000)) {
///   process_chunk(chunk.column("value"));
/// }
/// \endcode
Generator<CsvChunk> chunks(CsvReader reader, std::size_t records_per_chunk,
                           std::vector<std::string> numeric_columns = {});

}  // namespace streamlab
