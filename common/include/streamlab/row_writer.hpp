// RowWriter: CSV rows written fast into one reusable text buffer, remembering where each row ends.
#pragma once

#include "streamlab/number_text.hpp"

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

/// Writes CSV rows, field by field, into one text buffer that only ever grows: cleared and filled
/// again for the next batch, it allocates nothing once it is big enough. Numbers are written with
/// number_text.hpp (the same text as `std::to_chars`, several times faster than `fmt::format`:
/// at millions of rows a second, formatting numbers is most of the cost of writing them), in place,
/// never built elsewhere and copied.
///
/// It also remembers where each row ends, so the rows of several writers can be interleaved again
/// row by row (see PartitionRoute::replay): `row(i)` is the i-th row with its line ending.
///
/// A text field is quoted (RFC 4180: `"` doubled) only when it holds the delimiter, a quote or a
/// line break. Not thread-safe: one writer per thread, e.g. one per batch.
///
/// **Example**
/// \code
/// streamlab::RowWriter rows;
/// for (const Reading& r : batch) {
///   rows.integer(r.line).text(r.sensor).shortest(r.value).fixed(r.zscore, 4);
///   rows.end_row();                                  // 17,temp-1,23.5,0.1234 and a line end
/// }
/// file.write(rows.text());
/// rows.clear();                                      // memory kept for the next batch
/// \endcode
class RowWriter {
 public:
  /// Rows of comma-separated fields.
  RowWriter() = default;
  /// Rows of fields separated by `delimiter` (not a quote or a line break: std::invalid_argument).
  explicit RowWriter(char delimiter) : delimiter_(delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
      throw std::invalid_argument("RowWriter: the delimiter cannot be a quote or a line break");
  }

  /// A whole number, as `std::to_chars` writes it.
  template <std::integral T>
  RowWriter& integer(T value) {
    char* p = room(max_integer_chars + 1);
    return field_end(write_integer(p, value));
  }
  /// The shortest text that reads back as the same double (`23.456`, `1e+20`), as `std::to_chars`.
  RowWriter& shortest(double value) {
    char* p = room(max_shortest_chars + 1);
    return field_end(write_shortest(p, value));
  }
  /// A double with exactly `decimals` digits after the point (0 to 9), rounded as `printf` does.
  RowWriter& fixed(double value, int decimals) {
    char* p = room(max_fixed_chars + 1);
    return field_end(write_fixed(p, value, decimals));
  }
  /// `1` or `0`.
  RowWriter& flag(bool value) {
    char* p = room(2);
    *p++ = value ? '1' : '0';
    return field_end(p);
  }
  /// Text, quoted when it holds the delimiter, a quote or a line break.
  RowWriter& text(std::string_view value) {
    char* p = room(2 * value.size() + 3);
    if (!needs_quotes(value)) return field_end(std::copy(value.begin(), value.end(), p));
    *p++ = '"';
    for (const char c : value) {
      if (c == '"') *p++ = '"';
      *p++ = c;
    }
    *p++ = '"';
    return field_end(p);
  }
  /// A field with nothing in it (a missing value).
  RowWriter& empty() { return field_end(room(1)); }

  /// Ends the row: its line ending replaces the last field's delimiter.
  void end_row() {
    if (used_ == row_start_) {
      room(1);
      ++used_;  // a row without fields: just its line ending
    }
    buffer_[used_ - 1] = '\n';
    row_start_ = used_;
    ends_.push_back(used_);
  }

  /// All the rows written since the last clear().
  std::string_view text() const noexcept { return {buffer_.data(), row_start_}; }
  /// How many rows.
  std::size_t rows() const noexcept { return ends_.size(); }
  /// Row `i` (less than rows()), with its line ending.
  std::string_view row(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_.at(i - 1);
    return {buffer_.data() + begin, ends_.at(i) - begin};
  }
  /// Where each row ends in text(): row i is text()[ends()[i - 1], ends()[i]) (from 0 for row 0).
  std::span<const std::size_t> ends() const noexcept { return ends_; }
  /// Forgets the rows; keeps the memory for the next ones.
  void clear() noexcept {
    used_ = 0;
    row_start_ = 0;
    ends_.clear();
  }
  /// Bytes of text it holds before it must grow.
  std::size_t capacity() const noexcept { return buffer_.size(); }
  /// Forgets the rows, like clear(), and gives back the memory beyond room for `bytes` of text (and
  /// as many rows as it had): a writer that once held a huge batch need not keep that much.
  void shrink(std::size_t bytes) {
    const std::size_t rows = ends_.size();
    clear();
    if (buffer_.size() > bytes) std::string(bytes, '\0').swap(buffer_);
    if (ends_.capacity() > rows) {
      std::vector<std::size_t> smaller;
      smaller.reserve(rows);
      ends_.swap(smaller);
    }
  }

 private:
  // A pointer to the end of what is written, with at least `bytes` of room after it.
  char* room(std::size_t bytes) {
    if (buffer_.size() - used_ < bytes) buffer_.resize(std::max(2 * buffer_.size(), used_ + bytes + 4096));
    return buffer_.data() + used_;
  }
  RowWriter& field_end(char* p) {
    *p++ = delimiter_;
    used_ = static_cast<std::size_t>(p - buffer_.data());
    return *this;
  }
  bool needs_quotes(std::string_view value) const noexcept {
    for (const char c : value) {
      if (c == delimiter_ || c == '"' || c == '\n' || c == '\r') return true;
    }
    return false;
  }

  char delimiter_ = ',';
  std::string buffer_;  // the rows, then room (its size is the room, not the text)
  std::size_t used_ = 0;
  std::size_t row_start_ = 0;  // where the row being written starts
  std::vector<std::size_t> ends_;
};

}  // namespace streamlab
