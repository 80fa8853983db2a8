#include "streamlab/line_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace streamlab {

namespace {
constexpr std::size_t read_chunk = 64 * 1024;

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw std::runtime_error(name + ": " + what);
}
}  // namespace

LineReader LineReader::open(const std::filesystem::path& path, std::size_t max_line_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path.string(), std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    fail(path.string(), "is a directory, not a file");
  }
  return LineReader(fd, true, max_line_bytes, path.string());
}

LineReader LineReader::from_fd(int fd, std::size_t max_line_bytes) {
  return LineReader(fd, false, max_line_bytes, "fd " + std::to_string(fd));
}

LineReader LineReader::from_stdin(std::size_t max_line_bytes) {
  return LineReader(STDIN_FILENO, false, max_line_bytes, "stdin");
}

LineReader::LineReader(int fd, bool owns_fd, std::size_t max_line_bytes, std::string name)
    : fd_(fd), owns_fd_(owns_fd), name_(std::move(name)), max_line_bytes_(std::max<std::size_t>(max_line_bytes, 1)) {
  buffer_.resize(std::max(read_chunk, max_line_bytes_ + read_chunk));
#ifdef POSIX_FADV_SEQUENTIAL
  if (owns_fd_) ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint; failure is harmless
#endif
}

LineReader::LineReader(LineReader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      owns_fd_(std::exchange(other.owns_fd_, false)),
      name_(std::move(other.name_)),
      buffer_(std::move(other.buffer_)),
      begin_(other.begin_),
      end_(other.end_),
      eof_(other.eof_),
      truncated_(other.truncated_),
      max_line_bytes_(other.max_line_bytes_),
      line_number_(other.line_number_),
      bytes_read_(other.bytes_read_) {}

LineReader& LineReader::operator=(LineReader&& other) noexcept {
  LineReader taken(std::move(other));  // `*this`'s old state goes to `taken` and is closed with it
  std::swap(fd_, taken.fd_);
  std::swap(owns_fd_, taken.owns_fd_);
  std::swap(name_, taken.name_);
  std::swap(buffer_, taken.buffer_);
  std::swap(begin_, taken.begin_);
  std::swap(end_, taken.end_);
  std::swap(eof_, taken.eof_);
  std::swap(truncated_, taken.truncated_);
  std::swap(max_line_bytes_, taken.max_line_bytes_);
  std::swap(line_number_, taken.line_number_);
  std::swap(bytes_read_, taken.bytes_read_);
  return *this;
}

LineReader::~LineReader() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  // Move the unread tail to the front so there is room after it.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      bytes_read_ += static_cast<std::uint64_t>(n);
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno != EINTR) fail(name_, std::string("read failed: ") + std::strerror(errno));
  }
}

std::optional<Line> LineReader::next() {
  truncated_ = false;
  std::size_t scanned = begin_;  // bytes before this are known not to be '\n'
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(buffer_.data() + scanned, '\n', end_ - scanned));
    if (newline != nullptr) {
      std::size_t length = static_cast<std::size_t>(newline - start);
      begin_ += length + 1;
      if (length > max_line_bytes_) {
        length = max_line_bytes_;
        truncated_ = true;
      } else if (length > 0 && start[length - 1] == '\r') {
        --length;
      }
      return Line{std::string_view(start, length), ++line_number_};
    }
    scanned = end_;
    if (end_ - begin_ > max_line_bytes_) {
      // Too long: keep the first max_line_bytes_ bytes, then discard input up to the next newline.
      // The kept bytes stay at the front of the buffer; the rest of the buffer is scratch.
      truncated_ = true;
      if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, max_line_bytes_);
        begin_ = 0;
      }
      const std::size_t keep = max_line_bytes_;
      for (;;) {
        end_ = keep;
        const ssize_t n = ::read(fd_, buffer_.data() + keep, buffer_.size() - keep);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(name_, std::string("read failed: ") + std::strerror(errno));
        if (n == 0) {
          eof_ = true;
          begin_ = end_ = 0;
          break;
        }
        bytes_read_ += static_cast<std::uint64_t>(n);
        const auto* found =
            static_cast<const char*>(std::memchr(buffer_.data() + keep, '\n', static_cast<std::size_t>(n)));
        if (found != nullptr) {
          // Move what follows the newline right after the kept bytes, to be read next time.
          const std::size_t after = static_cast<std::size_t>(found - buffer_.data()) + 1;
          const std::size_t rest = keep + static_cast<std::size_t>(n) - after;
          // The kept line must stay valid for the caller, so the rest goes after it.
          std::memmove(buffer_.data() + keep, buffer_.data() + after, rest);
          begin_ = keep;
          end_ = keep + rest;
          break;
        }
      }
      return Line{std::string_view(buffer_.data(), keep), ++line_number_};
    }
    const std::size_t before = begin_;
    if (!fill()) {
      if (end_ == begin_) return std::nullopt;
      // The last line has no newline: return what is left.
      std::size_t length = end_ - begin_;
      const char* last = buffer_.data() + begin_;
      begin_ = end_;
      if (last[length - 1] == '\r') --length;
      return Line{std::string_view(last, length), ++line_number_};
    }
    scanned -= before - begin_;  // fill() moved the unread bytes to the front
  }
}

Generator<std::string> read_lines(std::filesystem::path path) {
  auto reader = LineReader::open(path);
  while (auto line = reader.next()) co_yield std::string(line->text);
}

}  // namespace streamlab
