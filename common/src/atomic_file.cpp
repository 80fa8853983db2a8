// AtomicFile: temporary file in the same folder, fsync, rename.
#include "streamlab/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace streamlab {

namespace {
constexpr std::size_t buffer_bytes = 64 * 1024;

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  throw std::system_error(errno, std::generic_category(), path.string() + ": " + what);
}
}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  std::string name = path_.string() + ".tmp-XXXXXX";
  std::vector<char> pattern(name.begin(), name.end());
  pattern.push_back('\0');
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) fail(path_, "cannot create a temporary file next to it");
  temporary_ = std::filesystem::path(pattern.data());
  ::fchmod(fd_, 0644);  // mkstemp makes it 0600; an output file is normally readable by others
  buffer_.reserve(buffer_bytes);
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::write(std::string_view text) {
  if (fd_ < 0) throw std::logic_error("AtomicFile::write after commit or discard");
  bytes_ += text.size();
  if (buffer_.size() + text.size() > buffer_bytes) flush();
  if (text.size() >= buffer_bytes) {
    write_all(text);  // as it is: copying it into the buffer first would only cost a pass over it
  } else {
    buffer_.append(text);
  }
}

void AtomicFile::flush() {
  write_all(buffer_);
  buffer_.clear();
}

void AtomicFile::write_all(std::string_view text) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(temporary_, "write failed");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw std::logic_error("AtomicFile::commit after commit or discard");
  flush();
  if (::fsync(fd_) != 0) fail(temporary_, "fsync failed");
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail(temporary_, "close failed");
  }
  fd_ = -1;
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) fail(path_, "rename failed");
  temporary_.clear();
  committed_ = true;
  // Sync the folder too, so that the rename itself survives a crash.
  const std::filesystem::path folder = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void AtomicFile::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temporary_.empty()) {
    ::unlink(temporary_.c_str());
    temporary_.clear();
  }
}

}  // namespace streamlab
