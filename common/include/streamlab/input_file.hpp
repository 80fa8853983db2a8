// Reading input files: a file descriptor that closes itself, and the buffered input LineReader and CsvReader share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

/// A file descriptor that closes itself when it owns one: opened files are owned, a pipe end or
/// stdin handed in by the caller is borrowed (the caller closes it). Move-only; a moved-from
/// descriptor is empty (get() is -1). Not thread-safe: one owner at a time.
class FileDescriptor {
 public:
  /// No descriptor.
  FileDescriptor() noexcept = default;
  /// Takes `fd` over: the destructor closes it.
  static FileDescriptor owned(int fd) noexcept { return FileDescriptor(fd, true); }
  /// Uses `fd` without closing it.
  static FileDescriptor borrowed(int fd) noexcept { return FileDescriptor(fd, false); }

  /// Takes over `other`'s descriptor; `other` becomes empty.
  FileDescriptor(FileDescriptor&& other) noexcept;
  /// Closes this descriptor (if owned) and takes over `other`'s.
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  /// Closes the descriptor if it is owned.
  ~FileDescriptor();

  /// The descriptor, or -1.
  int get() const noexcept { return fd_; }

 private:
  FileDescriptor(int fd, bool owned) noexcept : fd_(fd), owned_(owned) {}
  void close() noexcept;
  int fd_ = -1;
  bool owned_ = false;
};

/// Opens `path` read-only for sequential reading. Throws std::system_error carrying errno, whose
/// message names the file and the reason (`data.csv: No such file or directory`,
/// `data: Is a directory`), so a lesson can print it as one line.
///
/// **Example**
/// \code
/// const streamlab::FileDescriptor file = streamlab::open_input_file("data.csv");
/// char buffer[4096];
/// while (std::size_t n = streamlab::read_some(file.get(), buffer, sizeof buffer, "data.csv")) use(buffer, n);
/// \endcode
FileDescriptor open_input_file(const std::filesystem::path& path);

/// One `read()` of at most `size` bytes, retried when a signal interrupts it. Returns the number of
/// bytes read, 0 at the end of the input; throws std::system_error carrying errno, whose message
/// is `NAME: read failed: REASON`.
std::size_t read_some(int fd, char* buffer, std::size_t size, const std::string& name);

/// Input read in blocks into one buffer of fixed size, for a reader that hands out views into it
/// (LineReader, CsvReader): the bytes read but not yet used are [begin(), end()); fill() moves
/// them to the front of the buffer and reads more after them. The input is a file descriptor
/// (owned or borrowed, see FileDescriptor) or a string. Moves are cheap and keep the buffer, so
/// views into it stay valid. Not thread-safe: one reader at a time.
///
/// A stop signal (interrupt.hpp) ends a wait for input that has not come (a pipe, a terminal):
/// the input ends there, at the last whole record — the bytes of one cut short are dropped, since
/// a reader reads more only to complete a record — and cut_short() is true.
///
/// **Example**
/// \code
/// streamlab::BufferedInput input{streamlab::open_input_file("data.txt"), "data.txt", 64 * 1024};
/// std::uint64_t newlines = 0;
/// while (input.fill()) {
///   newlines += std::count(input.data() + input.begin(), input.data() + input.end(), '\n');
///   input.consume(input.end());
/// }
/// \endcode
class BufferedInput {
 public:
  /// Reads `fd` (named `name` in messages) with a buffer of `capacity` bytes, followed by `padding`
  /// zero bytes that are never filled (room for a scan that loads a few bytes past the end).
  /// Throws std::invalid_argument when `capacity` is 0.
  BufferedInput(FileDescriptor fd, std::string name, std::size_t capacity, std::size_t padding = 0);
  /// Reads `text`, which must outlive this object, as if it were a file called `string`.
  static BufferedInput from_string(std::string_view text, std::size_t capacity, std::size_t padding = 0);

  /// The buffer: capacity() bytes, then the padding.
  char* data() noexcept { return buffer_.data(); }
  /// \copydoc data()
  const char* data() const noexcept { return buffer_.data(); }
  /// How many bytes the buffer holds, padding not counted.
  std::size_t capacity() const noexcept { return capacity_; }
  /// Offset of the first byte not yet used.
  std::size_t begin() const noexcept { return begin_; }
  /// Offset one past the last byte read.
  std::size_t end() const noexcept { return end_; }
  /// Bytes read and not yet used: end() - begin().
  std::size_t buffered() const noexcept { return end_ - begin_; }
  /// Marks the bytes before offset `new_begin` (at most end()) as used.
  void consume(std::size_t new_begin) noexcept { begin_ = new_begin; }

  /// Moves the unused bytes to the front of the buffer, then reads once (at most `max_bytes`, and
  /// no more than the room left) after them. Returns false, reading nothing, at the end of the
  /// input (or when the buffer is full); throws std::system_error on a read error.
  bool fill(std::size_t max_bytes = static_cast<std::size_t>(-1));
  /// Whether a read has found the end of the input.
  bool at_end() const noexcept { return at_end_; }
  /// Whether the input ended because a stop signal came while it waited for more (see above).
  bool cut_short() const noexcept { return cut_short_; }
  /// Reads once into the buffer from offset `at` (to capacity()) and returns how many bytes came,
  /// 0 at the end of the input, leaving begin() and end() alone: for a reader that skips input it
  /// does not keep (a line too long), and then sets the range itself with reset().
  std::size_t read_at(std::size_t at);
  /// Sets the unused bytes to [begin, end).
  void reset(std::size_t begin, std::size_t end) noexcept {
    begin_ = begin;
    end_ = end;
  }

  /// Total bytes read from the input so far.
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  /// The share of the input read so far, 0 to 1, when its size is known (a regular file, a string);
  /// -1 for a pipe or a terminal, whose size is not. For a progress line.
  double fraction_read() const noexcept {
    return total_bytes_ > 0 ? static_cast<double>(bytes_read_) / static_cast<double>(total_bytes_) : -1.0;
  }
  /// The input's name for messages: a path, `stdin`, `fd N` or `string`.
  const std::string& name() const noexcept { return name_; }

 private:
  std::size_t read_input(char* into, std::size_t size);
  std::uint64_t total_bytes_ = 0;  // the input's size when known (a regular file, a string); 0 otherwise

  // What a reader touches for every line or record first, together.
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t capacity_;
  bool at_end_ = false;
  bool cut_short_ = false;
  std::uint64_t bytes_read_ = 0;
  FileDescriptor fd_;
  std::string_view text_;  // the unread part of from_string()'s text (when there is no descriptor)
  std::string name_;
};

}  // namespace streamlab
