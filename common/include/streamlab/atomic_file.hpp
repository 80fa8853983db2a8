// AtomicFile: write a file so that it appears whole or not at all (temporary file, fsync, rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace streamlab {

/// A file written under a temporary name in the same folder (`<name>.tmp-<pid>-XXXXXX`) and renamed
/// to its final name by commit(), after its data is flushed and synced to disk. Readers of the file
/// therefore see the old file or the complete new one, never a half-written one. If the AtomicFile
/// is destroyed without commit() (an exception, a failed stage), the temporary file is removed and
/// the old file is left as it was.
///
/// What the path names decides what is replaced — never anything but a regular file:
/// - nothing, or a regular file: replaced as above. A new file gets mode 0666 minus the umask
///   (`umask 077`: 0600); a replaced file keeps its mode (and, when run as root, its owner).
/// - a symbolic link: followed (a chain of them too, even to a file not made yet); the file it
///   points to is replaced, through a temporary file in *that* file's folder. The link stays a link.
/// - a character device or a FIFO (`/dev/null`, `/dev/full`, a terminal, a named pipe): written
///   directly, with no temporary file and no rename; commit() only flushes, and a write error
///   (ENOSPC from `/dev/full`) throws like any other. What was written cannot be taken back.
/// - a directory, a socket, a block device: refused by the constructor (std::system_error, EISDIR
///   or EINVAL), before anything is written — a program can reject the option at once.
///
/// Stale temporary files: a program killed while writing (SIGKILL, a power cut) leaves its
/// temporary file. The constructor removes those of the same final file whose writer is gone: the
/// process named by the `<pid>` in the name no longer exists, *and* no process holds the lock every
/// writer keeps on its temporary file (flock; the lock also covers a writer in another PID
/// namespace sharing the folder). Anything else, including names of another form, is left alone.
///
/// The descriptors are close-on-exec: a child process started while the file is open (ProcessPool)
/// does not hold it. Small writes are buffered (64 KiB); a text of 64 KiB or more goes to the file
/// as it is (copying it into the buffer first would cost a pass over it). I/O errors throw
/// std::system_error carrying errno, naming the file. Not thread-safe: one writer.
///
/// **Example**
/// \code
/// streamlab::AtomicFile out{"results.csv"};
/// out.write("sensor,mean\n");
/// for (const auto& [id, mean] : means) out.write(fmt::format("{},{}\n", id, mean));
/// out.commit();   // results.csv appears now, complete
/// \endcode
class AtomicFile {
 public:
  /// Opens the temporary file next to the final file (or the device itself). Throws if the path
  /// names a directory or another kind of file it will not replace, or if the folder is missing or
  /// not writable.
  explicit AtomicFile(std::filesystem::path path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  /// Appends `text`.
  void write(std::string_view text);
  /// Flushes, syncs and renames the temporary file to the final file (a device: flushes). At most once.
  void commit();
  /// Removes the temporary file now (also done by the destructor). Harmless after commit().
  void discard() noexcept;

  /// The path as given.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The file commit() replaces: the path with symbolic links followed (the path itself otherwise).
  const std::filesystem::path& target() const noexcept { return target_; }
  /// True when the path names a device or a FIFO, written directly (no temporary file).
  bool direct() const noexcept { return direct_; }
  /// The temporary file's path (empty when direct(), and once committed or discarded).
  const std::filesystem::path& temporary_path() const noexcept { return temporary_; }
  /// Bytes written so far.
  std::uint64_t bytes_written() const noexcept { return bytes_; }
  /// Whether commit() has succeeded.
  bool committed() const noexcept { return committed_; }

  /// The file that an AtomicFile for `path` would write: `path` with symbolic links in its last
  /// component followed, even to a file that does not exist yet (then the path it would have).
  /// Throws std::system_error on a loop of links.
  static std::filesystem::path resolve(const std::filesystem::path& path);
  /// Throws what the constructor would for what `path` names (a directory, a socket, a loop of
  /// links), without opening or making anything: to check a program's options before any work.
  static void check_target(const std::filesystem::path& path);

 private:
  void flush();
  void write_all(std::string_view text);  // write() until all of it is written, or throw

  std::filesystem::path path_;
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  bool direct_ = false;
  std::string buffer_;
  std::uint64_t bytes_ = 0;
  bool committed_ = false;
};

}  // namespace streamlab
