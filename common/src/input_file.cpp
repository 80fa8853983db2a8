#include "streamlab/input_file.hpp"

#include "streamlab/interrupt.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace streamlab {

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), owned_(std::exchange(other.owned_, false)) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

FileDescriptor::~FileDescriptor() { close(); }

void FileDescriptor::close() noexcept {
  if (owned_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  owned_ = false;
}

FileDescriptor open_input_file(const std::filesystem::path& path) {
  FileDescriptor file = FileDescriptor::owned(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) throw std::system_error(errno, std::generic_category(), path.string());
  struct stat info {};
  // Reading a directory fails only at the first read(), with a less helpful message: say it now.
  if (::fstat(file.get(), &info) == 0 && S_ISDIR(info.st_mode)) {
    throw std::system_error(EISDIR, std::generic_category(), path.string());
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(file.get(), 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint; failure is harmless
#endif
  return file;
}

std::size_t read_some(int fd, char* buffer, std::size_t size, const std::string& name) {
  for (;;) {
    const ssize_t n = ::read(fd, buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), name + ": read failed");
  }
}

BufferedInput::BufferedInput(FileDescriptor fd, std::string name, std::size_t capacity, std::size_t padding)
    : capacity_(capacity), fd_(std::move(fd)), name_(std::move(name)) {
  if (capacity_ == 0) throw std::invalid_argument("BufferedInput: the buffer must hold at least 1 byte");
  buffer_.resize(capacity_ + padding);
  struct stat info {};
  if (fd_.get() >= 0 && ::fstat(fd_.get(), &info) == 0 && S_ISREG(info.st_mode))
    total_bytes_ = static_cast<std::uint64_t>(info.st_size);
}

BufferedInput BufferedInput::from_string(std::string_view text, std::size_t capacity, std::size_t padding) {
  BufferedInput input(FileDescriptor{}, "string", capacity, padding);
  input.text_ = text;
  input.total_bytes_ = text.size();
  return input;
}

std::size_t BufferedInput::read_input(char* into, std::size_t size) {
  std::size_t n = 0;
  if (fd_.get() >= 0) {
    if (!wait_for_input(fd_.get())) {  // a stop signal, and nothing to read: the input ends here
      cut_short_ = true;
      return 0;
    }
    n = read_some(fd_.get(), into, size, name_);
  } else {
    n = std::min(size, text_.size());
    if (n > 0) std::memcpy(into, text_.data(), n);
    text_.remove_prefix(n);
  }
  bytes_read_ += n;
  return n;
}

bool BufferedInput::fill(std::size_t max_bytes) {
  if (at_end_) return false;
  if (begin_ > 0) {  // the unused tail to the front, so that there is room after it
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t room = std::min(capacity_ - end_, max_bytes);
  if (room == 0) return false;
  const std::size_t n = read_input(buffer_.data() + end_, room);
  if (n == 0) {
    at_end_ = true;
    if (cut_short_) begin_ = end_;  // a reader asks for more only to complete a record: drop its start
    return false;
  }
  end_ += n;
  return true;
}

std::size_t BufferedInput::read_at(std::size_t at) {
  if (at_end_ || at >= capacity_) return 0;
  const std::size_t n = read_input(buffer_.data() + at, capacity_ - at);
  if (n == 0) at_end_ = true;
  return n;
}

}  // namespace streamlab
