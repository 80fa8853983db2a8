#include "streamlab/input_file.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

using streamlab::BufferedInput;
using streamlab::FileDescriptor;

namespace {
// The errno a call threw with, or 0 if it threw no std::system_error.
template <typename F>
int thrown_errno(F call) {
  try {
    call();
  } catch (const std::system_error& error) {
    return error.code().value();
  }
  return 0;
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }
}  // namespace

TEST_CASE("open_input_file and read_some read a file to its end") {
  streamlab::TempDir dir{"test"};
  const auto path = dir.path() / "a.txt";
  std::ofstream(path) << "hello, file";
  const FileDescriptor file = streamlab::open_input_file(path);
  REQUIRE(file.get() >= 0);
  std::string text;
  char buffer[4];
  for (std::size_t n; (n = streamlab::read_some(file.get(), buffer, sizeof buffer, "a.txt")) > 0;)
    text.append(buffer, n);
  CHECK(text == "hello, file");
  CHECK(streamlab::read_some(file.get(), buffer, sizeof buffer, "a.txt") == 0);  // stays at the end
}

TEST_CASE("I/O errors are std::system_error with errno, naming the file and the reason") {
  streamlab::TempDir dir{"test"};
  CHECK_THROWS_WITH(streamlab::open_input_file(dir.path() / "missing.csv"),
                    Catch::Matchers::EndsWith("missing.csv: No such file or directory"));
  CHECK(thrown_errno([&] { streamlab::open_input_file(dir.path() / "missing.csv"); }) == ENOENT);
  CHECK_THROWS_WITH(streamlab::open_input_file(dir.path()), Catch::Matchers::EndsWith(": Is a directory"));
  CHECK(thrown_errno([&] { streamlab::open_input_file(dir.path()); }) == EISDIR);
  char buffer[4];
  CHECK_THROWS_WITH(streamlab::read_some(-1, buffer, sizeof buffer, "nothing"),
                    "nothing: read failed: Bad file descriptor");
  CHECK(thrown_errno([&] { streamlab::read_some(-1, buffer, sizeof buffer, "nothing"); }) == EBADF);
}

TEST_CASE("FileDescriptor closes what it owns, once, and never what it borrows") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  {
    FileDescriptor owner = FileDescriptor::owned(fds[0]);
    FileDescriptor moved = std::move(owner);
    CHECK(owner.get() == -1);  // NOLINT(bugprone-use-after-move): a moved-from descriptor is empty
    CHECK(moved.get() == fds[0]);
    const FileDescriptor borrower = FileDescriptor::borrowed(fds[1]);
    CHECK(is_open(fds[0]));
  }
  CHECK_FALSE(is_open(fds[0]));  // owned: closed once, by the descriptor it was moved to
  CHECK(is_open(fds[1]));        // borrowed: still open
  ::close(fds[1]);
}

TEST_CASE("BufferedInput: fill keeps the unused bytes, moves them to the front, reads after them") {
  const std::string text = "0123456789";
  auto input = BufferedInput::from_string(text, 4);
  CHECK(input.name() == "string");
  REQUIRE(input.fill());
  CHECK(std::string(input.data() + input.begin(), input.buffered()) == "0123");
  input.consume(input.begin() + 3);  // "3" is left
  REQUIRE(input.fill(2));            // at most 2 more
  CHECK(input.begin() == 0);
  CHECK(std::string(input.data(), input.end()) == "345");
  input.consume(input.end());
  while (input.fill()) input.consume(input.end());
  CHECK(input.at_end());
  CHECK(input.bytes_read() == text.size());
  CHECK_FALSE(input.fill());  // stays at the end
}

TEST_CASE("BufferedInput: a moved input keeps its buffer, so views into it stay valid") {
  const std::string text = "abcdef";
  auto input = BufferedInput::from_string(text, 16);
  REQUIRE(input.fill());
  const char* before = input.data();
  BufferedInput moved = std::move(input);
  CHECK(moved.data() == before);
  CHECK(std::string(moved.data() + moved.begin(), moved.buffered()) == "abcdef");
}

TEST_CASE("BufferedInput: a buffer of 0 bytes is std::invalid_argument") {
  CHECK_THROWS_AS(BufferedInput::from_string("x", 0), std::invalid_argument);
}

TEST_CASE("BufferedInput: the share of the input read, known for a file or a string, not for a pipe") {
  streamlab::TempDir dir{"test"};
  const auto path = dir.path() / "a.txt";
  std::ofstream(path) << "0123456789";
  BufferedInput file(streamlab::open_input_file(path), "a.txt", 4);
  CHECK(file.fraction_read() == 0.0);
  REQUIRE(file.fill());
  CHECK(file.fraction_read() == Approx(0.4));
  file.consume(file.end());
  while (file.fill()) file.consume(file.end());
  CHECK(file.fraction_read() == 1.0);

  auto text = BufferedInput::from_string("abcd", 2);
  REQUIRE(text.fill());
  CHECK(text.fraction_read() == 0.5);

  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  REQUIRE(::write(ends[1], "xy", 2) == 2);
  ::close(ends[1]);
  BufferedInput pipe(FileDescriptor::owned(ends[0]), "pipe", 4);
  REQUIRE(pipe.fill());
  CHECK(pipe.fraction_read() == -1.0);  // a pipe's size is not known
}
