#include "streamlab/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>

namespace streamlab {

TempDir::TempDir(std::string_view prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("streamlab-" + std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create a temporary folder");
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
