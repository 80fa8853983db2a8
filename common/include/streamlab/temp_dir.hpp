// TempDir: a private temporary folder that is removed with everything in it when it goes out of scope.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace streamlab {

/// A fresh folder under the system's temporary directory (`mkdtemp`), removed recursively by the
/// destructor. Lessons write the data they need here, so they leave nothing behind; print paths
/// relative to it (`relative(path)`) so the output does not depend on where it was made.
/// Thread-safe to read path() from any thread; one owner moves or destroys it.
///
/// **Example**
/// \code
/// streamlab::TempDir dir{"lesson03"};
/// auto csv = dir.path() / "data.csv";
/// write_csv(csv);
/// fmt::print("Wrote {}\n", dir.relative(csv));   // Wrote data.csv
/// \endcode
class TempDir {
 public:
  /// Creates `$TMPDIR/streamlab-<prefix>-XXXXXX` (`/tmp/...` when TMPDIR is unset or empty); throws
  /// std::system_error naming the folder it tried if it cannot (`cannot create a temporary folder in
  /// /nonexistent (TMPDIR): No such file or directory`), so a program can report it in one line.
  explicit TempDir(std::string_view prefix = "streamlab");
  /// Removes the folder and everything in it.
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The folder's absolute path.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The file the user named, or — when `given` is empty (they named none) — `name` in this folder:
  /// a program's optional `--output FILE`, kept in the temporary folder when not asked for.
  std::filesystem::path path_or(const std::string& given, const char* name) const {
    return given.empty() ? path_ / name : std::filesystem::path(given);
  }
  /// `file` relative to the folder, as a generic string (for printing).
  std::string relative(const std::filesystem::path& file) const;

 private:
  std::filesystem::path path_;
};

}  // namespace streamlab
