// AtomicFile: write a file so that it appears whole or not at all (temporary file, fsync, rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace streamlab {

/// A file written under a temporary name in the same folder (`<path>.tmp-XXXXXX`) and renamed to
/// `path` by commit(), after its data is flushed and synced to disk. Readers of `path` therefore
/// see the old file or the complete new one, never a half-written one. If the AtomicFile is
/// destroyed without commit() (an exception, a failed stage), the temporary file is removed and
/// `path` is left as it was.
///
/// Small writes are buffered (64 KiB); a text of 64 KiB or more goes to the file as it is (copying
/// it into the buffer first would cost a pass over it). I/O errors throw std::system_error carrying
/// errno, naming the file. Not thread-safe: one writer.
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
  /// Creates the temporary file next to `path`; throws if the folder is missing or not writable.
  explicit AtomicFile(std::filesystem::path path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  /// Appends `text`.
  void write(std::string_view text);
  /// Flushes, syncs and renames the temporary file to the final path. At most once.
  void commit();
  /// Removes the temporary file now (also done by the destructor). Harmless after commit().
  void discard() noexcept;

  /// The final path.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The temporary file's path (empty once committed or discarded).
  const std::filesystem::path& temporary_path() const noexcept { return temporary_; }
  /// Bytes written so far.
  std::uint64_t bytes_written() const noexcept { return bytes_; }
  /// Whether commit() has succeeded.
  bool committed() const noexcept { return committed_; }

 private:
  void flush();
  void write_all(std::string_view text);  // write() until all of it is written, or throw

  std::filesystem::path path_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  std::string buffer_;
  std::uint64_t bytes_ = 0;
  bool committed_ = false;
};

}  // namespace streamlab
