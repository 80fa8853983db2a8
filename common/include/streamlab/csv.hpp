// CsvReader: a streaming CSV reader (RFC 4180) in constant memory, whose bad rows are values, not exceptions.
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/input_file.hpp"
#include "streamlab/parse_number.hpp"
#include "streamlab/row_error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

/// A rejected row: where it starts, why, and (the start of) its text as it was in the input.
struct BadRow {
  /// At most this many bytes of a bad row's text are kept, so one huge row cannot eat memory.
  static constexpr std::size_t max_text_bytes = 256;

  std::uint64_t line = 0;                         ///< 1-based line on which the record starts
  RowError reason = RowError::wrong_field_count;  ///< why it was rejected
  std::string text;  ///< the raw record (quotes kept, no line ending), cut to max_text_bytes
};

/// `text` safe to print on a terminal: each control byte (below 0x20, and DEL) written as `\xNN`,
/// so that bytes from a file (a header with an escape sequence, say) show as what they are instead
/// of moving the cursor or changing colours. Other bytes are kept as they are.
std::string escape_control_bytes(std::string_view text);

/// Settings of a CsvReader. A delimiter that is a quote, a line break or NUL, and a size of 0,
/// make the reader's factories throw std::invalid_argument.
struct CsvOptions {
  /// The field separator; not a quote, a line break or NUL.
  char delimiter = ',';
  /// The first record names the columns. Without a header, the first record sets the field count.
  bool has_header = true;
  /// Whether a quoted field may hold line breaks, so that a record may span lines (RFC 4180). A
  /// quote that is never closed — by the end of the input, or within max_record_bytes — is then
  /// taken as stray: its record ends where the quote's line ends (an `unterminated_quote` bad row)
  /// and reading goes on with the next line; but a stray quote closed by a later one merges the
  /// lines between. Off, a record always ends at the end of its line, whatever its quotes: a stray
  /// quote costs its own line only. Turn it off when no field can hold a line break (numbers, ids).
  bool records_span_lines = true;
  /// A longer record is a `line_too_long` bad row (and the rest of its line is skipped); at least 1.
  std::size_t max_record_bytes = std::size_t{1} << 20;  // 1 MiB
  /// Bytes asked of each read(), at least 1; tests make it tiny so that records cross buffer boundaries.
  std::size_t read_bytes = 128 * 1024;
};

/// One record of a CSV file: its fields as views into the reader's buffer, valid until the next
/// call to CsvReader::next(). A row with error() set is a bad row; its fields may be incomplete.
/// Not thread-safe to keep: a view into its reader, used on the reader's thread until the next next().
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

  /// Field `i` as a number (see parse_number); a missing field is `wrong_field_count`.
  template <ParsableNumber T>
  ParseResult<T> get(std::size_t i) const noexcept {
    if (i >= fields_.size()) return {T{}, RowError::wrong_field_count};
    return parse_number<T>(fields_[i]);
  }

  /// Field `i` as a number that must lie in [min, max]: one outside is `out_of_range` (a negative
  /// timestamp, a reading no sensor can give), like a number too large for T.
  template <ParsableNumber T>
  ParseResult<T> get(std::size_t i, T min, T max = std::numeric_limits<T>::max()) const noexcept {
    ParseResult<T> result = get<T>(i);
    if (!result.error && !(result.value >= min && result.value <= max)) return {T{}, RowError::out_of_range};
    return result;
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
///   and line breaks (unless CsvOptions::records_span_lines is off: then a record is one line). A
///   quote never closed costs the line it opened on (`unterminated_quote`), not the rest of the input. A UTF-8 byte
///   order mark is skipped, `\r\n` and `\n` both end a record, the last record needs no newline, blank lines are
///   skipped.
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
  /// The index of the first column called `name`, if there is one.
  std::optional<std::size_t> column(std::string_view name) const noexcept;
  /// The index of the column called `name`; throws std::runtime_error listing the columns if there
  /// is none, or naming the column if the header has it twice (which one would be meant?). Names
  /// in messages go through escape_control_bytes().
  std::size_t require_column(std::string_view name) const;

  /// The next record, good or bad, or std::nullopt at the end of the input. Blocks on a pipe until
  /// a whole record (or the end) has arrived. Invalidates the previous row's views.
  std::optional<CsvRow> next();

  /// Total bytes read from the input so far.
  std::uint64_t bytes_read() const noexcept { return input_.bytes_read(); }
  /// The share of the input read so far, 0 to 1; -1 when its size is unknown (a pipe): see BufferedInput.
  double fraction_read() const noexcept { return input_.fraction_read(); }
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
