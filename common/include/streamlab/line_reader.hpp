// LineReader: the lines of a file, a file descriptor or stdin, one at a time, in constant memory.
#pragma once

#include "streamlab/generator.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

/// One line of input, without its line ending, and its 1-based line number.
/// `text` points into the reader's buffer: it is valid until the next line is read.
struct Line {
  std::string_view text;     ///< the line without `\n` or `\r\n`
  std::uint64_t number = 0;  ///< 1 for the first line
};

/// Reads lines from a file, a pipe or stdin with one fixed buffer, so memory does not grow with
/// the input. Both `\n` and `\r\n` endings are removed; a last line without a newline is still a
/// line. A line longer than `max_line_bytes` is returned cut to that length with `truncated()` set,
/// and the rest of it is skipped, so one enormous line cannot exhaust memory.
///
/// Opening errors (missing file, a directory, no permission) throw `std::runtime_error` whose
/// message names the file and the reason; a read error later throws too.
///
/// **Example**
/// \code
/// auto reader = streamlab::LineReader::open("data.txt");
/// while (auto line = reader.next()) {
///   fmt::print("{}: {}\n", line->number, line->text);
/// }
/// \endcode
class LineReader {
 public:
  /// Longest line kept whole by default: 1 MiB.
  static constexpr std::size_t default_max_line_bytes = 1 << 20;

  /// Opens a file for reading; throws std::runtime_error naming the file and the reason.
  static LineReader open(const std::filesystem::path& path, std::size_t max_line_bytes = default_max_line_bytes);
  /// Reads from a descriptor the caller owns and closes (a pipe end, say).
  static LineReader from_fd(int fd, std::size_t max_line_bytes = default_max_line_bytes);
  /// Reads standard input.
  static LineReader from_stdin(std::size_t max_line_bytes = default_max_line_bytes);

  /// Takes over `other`'s input and position.
  LineReader(LineReader&& other) noexcept;
  /// Closes this reader's file (if it owns one) and takes over `other`'s.
  LineReader& operator=(LineReader&& other) noexcept;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  /// Closes the file if the reader opened it.
  ~LineReader();

  /// The next line, or std::nullopt at the end of the input. Blocks on a pipe until a whole line
  /// (or the end) has arrived.
  std::optional<Line> next();

  /// Whether the line last returned by next() was longer than the limit and was cut.
  bool truncated() const noexcept { return truncated_; }

  /// Total bytes read from the input so far.
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }

 private:
  LineReader(int fd, bool owns_fd, std::size_t max_line_bytes, std::string name);
  bool fill();  // reads more input into the buffer; false at end of input

  int fd_ = -1;
  bool owns_fd_ = false;
  std::string name_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte in buffer_
  std::size_t end_ = 0;    // one past the last valid byte
  bool eof_ = false;
  bool truncated_ = false;
  std::size_t max_line_bytes_;
  std::uint64_t line_number_ = 0;
  std::uint64_t bytes_read_ = 0;
};

/// The lines of a file as a Generator of owned strings (convenient in range-for and std::views
/// pipelines). Use LineReader directly to avoid the copy per line.
Generator<std::string> read_lines(std::filesystem::path path);

}  // namespace streamlab
