// AtomicFile: temporary file in the same folder, fsync, rename — or a device written directly.
#include "streamlab/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <system_error>

namespace streamlab {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t buffer_bytes = 64 * 1024;
constexpr int max_symlinks = 40;  // as the kernel's limit (ELOOP)

[[noreturn]] void fail(int error, const fs::path& path, std::string_view what) {
  std::string message = path.string();
  if (!what.empty()) message.append(": ").append(what);
  throw std::system_error(error, std::generic_category(), message);
}
[[noreturn]] void fail(const fs::path& path, std::string_view what) { fail(errno, path, what); }

fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

// Six random letters or digits for a temporary name (O_EXCL makes a clash harmless: another is drawn).
std::string random_suffix() {
  static constexpr std::string_view symbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 engine{std::random_device{}() ^ (static_cast<std::uint64_t>(::getpid()) << 32)};
  std::string suffix(6, ' ');
  for (char& c : suffix) c = symbols[engine() % symbols.size()];
  return suffix;
}

// The pid in `<prefix><pid>-XXXXXX`, or 0 when the name has another form.
pid_t writer_of(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() + 7 || name.substr(0, prefix.size()) != prefix) return 0;
  const std::string_view rest = name.substr(prefix.size());
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  const bool tail_ok = error == std::errc{} && end == rest.data() + rest.size() - 7 && *end == '-';
  return tail_ok && pid > 0 ? pid : 0;
}

// Removes the temporary files of `target` whose writer is gone: its pid names no process, and no
// one holds the lock each writer keeps on its temporary file. Best effort: errors are ignored.
void remove_stale_temporaries(const fs::path& target) noexcept {
  try {
    const std::string prefix = target.filename().string() + ".tmp-";
    std::error_code error;
    for (fs::directory_iterator entry{folder_of(target), error}, end; !error && entry != end; entry.increment(error)) {
      const pid_t pid = writer_of(entry->path().filename().string(), prefix);
      if (pid == 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // EPERM: alive, another user's
      const int fd = ::open(entry->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0) continue;
      struct stat st {};
      if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        ::unlink(entry->path().c_str());
      }
      ::close(fd);
    }
  } catch (...) {  // out of memory for a name: leave the stale files
  }
}

// What `path` names, links followed (false: nothing yet); throws for what is never replaced.
bool examine(const fs::path& path, struct stat& st) {
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) fail(path, "");
    return false;
  }
  if (S_ISDIR(st.st_mode)) fail(EISDIR, path, "");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    fail(EINVAL, path, "not a regular file, a device or a FIFO: not replaced");
  }
  return true;
}
}  // namespace

fs::path AtomicFile::resolve(const fs::path& path) {
  fs::path file = path;
  for (int links = 0;; ++links) {
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return file;
    if (links == max_symlinks) fail(ELOOP, path, "");
    const fs::path link = fs::read_symlink(file);
    file = link.is_absolute() ? link : folder_of(file) / link;
  }
}

void AtomicFile::check_target(const fs::path& path) {
  struct stat st {};
  static_cast<void>(examine(path, st));
}

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)), target_(path_) {
  struct stat st {};
  const bool exists = examine(path_, st);  // follows links: what would be written
  if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
    // A device or a FIFO is written directly: replacing it with a regular file would break it.
    // (A FIFO's open waits for a reader, as any writer's does.)
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) fail(path_, "cannot open it for writing");
    direct_ = true;
    struct stat opened {};
    if (::fstat(fd_, &opened) != 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
      discard();  // replaced between stat and open: do not write into whatever it is now
      fail(EAGAIN, path_, "changed while it was being opened");
    }
  } else {
    target_ = resolve(path_);
    remove_stale_temporaries(target_);
    const std::string prefix = target_.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-";
    for (int attempt = 0; fd_ < 0; ++attempt) {
      temporary_ = target_.parent_path() / (prefix + random_suffix());
      // 0666: the kernel applies the umask (and a folder's default ACL), as for any new file.
      fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
      if (fd_ < 0 && (errno != EEXIST || attempt == 100)) {
        temporary_.clear();
        fail(path_, "cannot create a temporary file next to it");
      }
    }
    ::flock(fd_, LOCK_EX | LOCK_NB);  // "my writer is alive", for remove_stale_temporaries
    if (exists) {                     // replacing a file: keep its owner (root can) and its mode
      const bool owner_kept = ::geteuid() != 0 || ::fchown(fd_, st.st_uid, st.st_gid) == 0;
      static_cast<void>(owner_kept);  // only root may give a file away; the mode is kept either way
      ::fchmod(fd_, st.st_mode & 07777);
    }
  }
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
      fail(path_, "write failed");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw std::logic_error("AtomicFile::commit after commit or discard");
  flush();
  // A device or a FIFO cannot be synced (EINVAL) and is not renamed: flushed, it is done.
  if (!direct_ && ::fsync(fd_) != 0) fail(path_, "fsync failed");
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail(path_, "close failed");
  }
  fd_ = -1;
  if (direct_) {
    committed_ = true;
    return;
  }
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) fail(path_, "rename failed");
  temporary_.clear();
  committed_ = true;
  // Sync the folder too, so that the rename itself survives a crash.
  const int dir = ::open(folder_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
