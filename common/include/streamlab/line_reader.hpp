// LineReader: the lines of a file, a file descriptor or stdin, one at a time, in constant memory.
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/input_file.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

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
/// Errors (see common/README.md): a `max_line_bytes` of 0 throws std::invalid_argument; opening
/// errors (missing file, a directory, no permission) and read errors throw std::system_error
/// carrying errno, whose message names the file and the reason. Move-only, not thread-safe: one
/// reader per thread.
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

  /// Opens a file for reading; throws std::system_error naming the file and the reason.
  static LineReader open(const std::filesystem::path& path, std::size_t max_line_bytes = default_max_line_bytes);
  /// Reads from a descriptor the caller owns and closes (a pipe end, say).
  static LineReader from_fd(int fd, std::size_t max_line_bytes = default_max_line_bytes);
  /// Reads standard input.
  static LineReader from_stdin(std::size_t max_line_bytes = default_max_line_bytes);

  /// The next line, or std::nullopt at the end of the input. Blocks on a pipe until a whole line
  /// (or the end) has arrived.
  std::optional<Line> next();

  /// Whether the line last returned by next() was longer than the limit and was cut.
  bool truncated() const noexcept { return truncated_; }

  /// Total bytes read from the input so far.
  std::uint64_t bytes_read() const noexcept { return input_.bytes_read(); }

 private:
  LineReader(FileDescriptor fd, std::string name, std::size_t max_line_bytes);
  Line skip_rest_of_long_line();  // keeps the first max_line_bytes_ bytes, drops the rest of the line

  std::size_t max_line_bytes_;
  BufferedInput input_;
  bool truncated_ = false;
  std::uint64_t line_number_ = 0;
};

/// The lines of a file as a Generator of owned strings (convenient in range-for and std::views
/// pipelines). Use LineReader directly to avoid the copy per line.
Generator<std::string> read_lines(std::filesystem::path path);

}  // namespace streamlab
