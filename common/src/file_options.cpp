// check_file_options: outputs AtomicFile can write, and no two options naming the same file.
#include "streamlab/file_options.hpp"

#include "streamlab/atomic_file.hpp"

#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>
#include <vector>

namespace streamlab {

namespace {
namespace fs = std::filesystem;

// Which file an option names: a device and inode when it exists, else the path it would have.
struct FileIdentity {
  bool shared = false;  // a character device: any number of options may name it
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  fs::path path;

  bool same_as(const FileIdentity& other) const {
    if (shared || other.shared || exists != other.exists) return false;
    return exists ? device == other.device && inode == other.inode : path == other.path;
  }
};

FileIdentity identify(std::string_view given, bool is_input) {
  FileIdentity id;
  struct stat st {};
  if (is_input && given == "-") {  // stdin: a file only when redirected from one
    id.shared = ::fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode);
  } else if (::stat(std::string(given).c_str(), &st) != 0) {
    std::error_code ignored;  // a path not made yet: the file it would be, spelled one way
    id.path = fs::weakly_canonical(fs::absolute(AtomicFile::resolve(fs::path(given))), ignored);
    if (id.path.empty()) id.path = fs::absolute(fs::path(given)).lexically_normal();
    return id;
  } else {
    id.shared = S_ISCHR(st.st_mode);
  }
  id.exists = true;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  return id;
}
}  // namespace

std::optional<std::string> check_file_options(std::initializer_list<FileOption> inputs,
                                              std::initializer_list<FileOption> outputs) {
  std::vector<std::pair<FileOption, FileIdentity>> seen;
  for (const bool is_input : {true, false}) {
    for (const FileOption& file : is_input ? inputs : outputs) {
      if (file.path.empty()) continue;
      try {
        if (!is_input) AtomicFile::check_target(fs::path(file.path));
        FileIdentity id = identify(file.path, is_input);
        for (const auto& [earlier, earlier_id] : seen) {
          if (id.same_as(earlier_id)) {
            return fmt::format("{} {} and {} {} name the same file", earlier.option, earlier.path, file.option,
                               file.path);
          }
        }
        seen.emplace_back(file, std::move(id));
      } catch (const std::system_error& error) {  // what() starts with the path: "results: Is a directory"
        return fmt::format("{} {}", file.option, error.what());
      }
    }
  }
  return std::nullopt;
}

}  // namespace streamlab
