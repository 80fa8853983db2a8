// Opening and reading an input file descriptor with clear errors: shared by LineReader and CsvReader.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace streamlab {

/// Opens `path` read-only for sequential reading and returns its descriptor (the caller closes it).
/// Throws std::runtime_error whose message names the file and the reason (`data.csv: No such file
/// or directory`, `data: is a directory, not a file`), so a lesson can print it as one line.
///
/// **Example**
/// \code
/// const int fd = streamlab::open_input_file("data.csv");
/// char buffer[4096];
/// while (std::size_t n = streamlab::read_some(fd, buffer, sizeof buffer, "data.csv")) use(buffer, n);
/// ::close(fd);
/// \endcode
int open_input_file(const std::filesystem::path& path);

/// One `read()` of at most `size` bytes, retried when a signal interrupts it. Returns the number of
/// bytes read, 0 at the end of the input; throws std::runtime_error `NAME: read failed: REASON`.
std::size_t read_some(int fd, char* buffer, std::size_t size, const std::string& name);

}  // namespace streamlab
