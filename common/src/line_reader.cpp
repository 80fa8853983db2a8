#include "streamlab/line_reader.hpp"

#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace streamlab {

namespace {
constexpr std::size_t read_chunk = 64 * 1024;

std::size_t checked_max_line_bytes(std::size_t max_line_bytes) {
  if (max_line_bytes == 0) throw std::invalid_argument("LineReader: max_line_bytes must be at least 1");
  return max_line_bytes;
}
}  // namespace

LineReader LineReader::open(const std::filesystem::path& path, std::size_t max_line_bytes) {
  checked_max_line_bytes(max_line_bytes);  // before the file is opened
  return LineReader(open_input_file(path), path.string(), max_line_bytes);
}

LineReader LineReader::from_fd(int fd, std::size_t max_line_bytes) {
  return LineReader(FileDescriptor::borrowed(fd), "fd " + std::to_string(fd), max_line_bytes);
}

LineReader LineReader::from_stdin(std::size_t max_line_bytes) {
  return LineReader(FileDescriptor::borrowed(STDIN_FILENO), "stdin", max_line_bytes);
}

// The buffer holds a line of the longest length kept and one more read after it.
LineReader::LineReader(FileDescriptor fd, std::string name, std::size_t max_line_bytes)
    : max_line_bytes_(checked_max_line_bytes(max_line_bytes)),
      input_(std::move(fd), std::move(name), max_line_bytes_ + read_chunk) {}

std::optional<Line> LineReader::next() {
  truncated_ = false;
  std::size_t scanned = input_.begin();  // bytes before this are known not to be '\n'
  for (;;) {
    char* const buffer = input_.data();
    const char* start = buffer + input_.begin();
    const auto* newline = static_cast<const char*>(std::memchr(buffer + scanned, '\n', input_.end() - scanned));
    if (newline != nullptr) {
      std::size_t length = static_cast<std::size_t>(newline - start);
      input_.consume(input_.begin() + length + 1);
      if (length > max_line_bytes_) {
        length = max_line_bytes_;
        truncated_ = true;
      } else if (length > 0 && start[length - 1] == '\r') {
        --length;
      }
      return Line{std::string_view(start, length), ++line_number_};
    }
    if (input_.buffered() > max_line_bytes_) return skip_rest_of_long_line();
    scanned = input_.end() - input_.begin();  // fill() moves the unused bytes to the front
    if (!input_.fill()) {
      if (input_.buffered() == 0) return std::nullopt;
      // The last line has no newline: return what is left.
      std::size_t length = input_.buffered();
      const char* last = input_.data() + input_.begin();
      input_.consume(input_.end());
      if (last[length - 1] == '\r') --length;
      return Line{std::string_view(last, length), ++line_number_};
    }
  }
}

// Too long: the first max_line_bytes_ bytes stay at the front of the buffer (they are the line
// returned, and must stay valid for the caller); the rest of the buffer is scratch for the input
// discarded up to the next newline.
Line LineReader::skip_rest_of_long_line() {
  truncated_ = true;
  const std::size_t keep = max_line_bytes_;
  char* const buffer = input_.data();
  if (input_.begin() > 0) std::memmove(buffer, buffer + input_.begin(), keep);
  input_.reset(0, keep);
  for (;;) {
    const std::size_t n = input_.read_at(keep);
    if (n == 0) {
      input_.reset(0, 0);  // the end of the input: nothing follows the kept bytes
      break;
    }
    const auto* found = static_cast<const char*>(std::memchr(buffer + keep, '\n', n));
    if (found != nullptr) {
      // What follows the newline goes right after the kept bytes, to be read next time.
      const std::size_t after = static_cast<std::size_t>(found - buffer) + 1;
      const std::size_t rest = keep + n - after;
      std::memmove(buffer + keep, buffer + after, rest);
      input_.reset(keep, keep + rest);
      break;
    }
  }
  return Line{std::string_view(buffer, keep), ++line_number_};
}

Generator<std::string> read_lines(std::filesystem::path path) {
  auto reader = LineReader::open(path);
  while (auto line = reader.next()) co_yield std::string(line->text);
}

}  // namespace streamlab
