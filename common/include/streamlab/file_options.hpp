// check_file_options: a program's file options checked together before any work — writable outputs, no two the same
// file.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace streamlab {

/// One file option of a program: its name and its value as given (`{"--output", "scored.csv"}`); an
/// empty path is an option not given, and is skipped.
struct FileOption {
  std::string_view option;  ///< the option's name, for the message: `--output`
  std::string_view path;    ///< its value: a path, `-` for stdin (an input), or empty (not given)
};

/// Checks a program's file options before it does any work, and returns the first problem as one
/// line for the user, or nullopt when there is none:
///
/// - each output must be something AtomicFile writes (AtomicFile::check_target): a regular file,
///   a path not made yet, a symbolic link to one, a device or a FIFO — not a directory
///   (`--output results: Is a directory`);
/// - no two options may name the same file (`--input data.csv and --output ./data.csv name the same
///   file`), so that no output replaces the input or another output. Files that exist are compared
///   by device and inode (a hard link, a symbolic link or another spelling of the path is the same
///   file); a path not made yet by the file it would be (symbolic links followed, `..` resolved).
///   An input `-` is stdin: compared by what it reads when that is a file (`< data.csv`).
///   Character devices are shared harmlessly and never clash: `--output /dev/null
///   --dead-letter /dev/null` is fine.
///
/// Inputs are not opened here: whether they can be read is for the reader to say.
///
/// **Example**
/// \code
/// if (const auto error = streamlab::check_file_options({{"--input", o.input}},
///                                                      {{"--output", o.output}, {"--log", o.log}}))
///   return streamlab::usage_error(app, *error);   // exit 2, before any work
/// \endcode
std::optional<std::string> check_file_options(std::initializer_list<FileOption> inputs,
                                              std::initializer_list<FileOption> outputs);

}  // namespace streamlab
