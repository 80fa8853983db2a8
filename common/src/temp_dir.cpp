#include "streamlab/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>

namespace streamlab {

TempDir::TempDir(std::string_view prefix) {
  // $TMPDIR, else /tmp (as std::filesystem::temp_directory_path, whose error would not say which it tried).
  const char* tmpdir = std::getenv("TMPDIR");
  const bool from_env = tmpdir != nullptr && *tmpdir != '\0';
  const std::filesystem::path base = std::filesystem::absolute(from_env ? tmpdir : "/tmp");
  std::string pattern = (base / ("streamlab-" + std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    const int error = errno;
    throw std::system_error(error, std::generic_category(),
                            "cannot create a temporary folder in " + base.string() + (from_env ? " (TMPDIR)" : ""));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover temp folder is harmless
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::relative(const std::filesystem::path& file) const {
  return file.lexically_relative(path_).generic_string();
}

}  // namespace streamlab
