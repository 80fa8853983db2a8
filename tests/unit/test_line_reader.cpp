#include "streamlab/line_reader.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using streamlab::LineReader;

namespace {

std::filesystem::path write_file(const streamlab::TempDir& dir, const std::string& name, const std::string& bytes) {
  auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<std::string> all_lines(LineReader reader) {
  std::vector<std::string> lines;
  while (auto line = reader.next()) lines.emplace_back(line->text);
  return lines;
}

}  // namespace

TEST_CASE("lines of a file, with and without a trailing newline") {
  streamlab::TempDir dir{"test"};
  CHECK(all_lines(LineReader::open(write_file(dir, "a.txt", "one\ntwo\nthree\n"))) ==
        std::vector<std::string>{"one", "two", "three"});
  CHECK(all_lines(LineReader::open(write_file(dir, "b.txt", "one\ntwo"))) == std::vector<std::string>{"one", "two"});
}

TEST_CASE("CRLF endings are removed, blank lines are kept") {
  streamlab::TempDir dir{"test"};
  CHECK(all_lines(LineReader::open(write_file(dir, "crlf.txt", "a\r\n\r\nb\r\nc\r"))) ==
        std::vector<std::string>{"a", "", "b", "c"});
}

TEST_CASE("an empty file has no lines") {
  streamlab::TempDir dir{"test"};
  CHECK(all_lines(LineReader::open(write_file(dir, "empty.txt", ""))).empty());
}

TEST_CASE("line numbers count from 1") {
  streamlab::TempDir dir{"test"};
  auto reader = LineReader::open(write_file(dir, "n.txt", "x\ny\n"));
  CHECK(reader.next()->number == 1);
  CHECK(reader.next()->number == 2);
  CHECK_FALSE(reader.next().has_value());
  CHECK(reader.bytes_read() == 4);
}

TEST_CASE("lines that cross the internal buffer are joined correctly") {
  streamlab::TempDir dir{"test"};
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    expected.push_back(std::string(static_cast<std::size_t>(i % 97), 'a') + std::to_string(i));
    text += expected.back() + (i % 3 == 0 ? "\r\n" : "\n");
  }
  CHECK(all_lines(LineReader::open(write_file(dir, "big.txt", text))) == expected);
}

TEST_CASE("a line longer than the limit is cut and flagged, and reading goes on") {
  streamlab::TempDir dir{"test"};
  const std::string long_line(300000, 'x');
  auto reader = LineReader::open(write_file(dir, "long.txt", "short\n" + long_line + "\nafter\n" + long_line), 1000);
  CHECK(reader.next()->text == "short");
  CHECK_FALSE(reader.truncated());
  auto cut = reader.next();
  CHECK(cut->text == std::string(1000, 'x'));
  CHECK(cut->number == 2);
  CHECK(reader.truncated());
  auto after = reader.next();
  CHECK(after->text == "after");
  CHECK(after->number == 3);
  CHECK_FALSE(reader.truncated());
  CHECK(reader.next()->text.size() == 1000);
  CHECK(reader.truncated());
  CHECK_FALSE(reader.next().has_value());
}

TEST_CASE("a missing file and a directory are std::system_error, naming the file and the reason") {
  streamlab::TempDir dir{"test"};
  CHECK_THROWS_AS(LineReader::open(dir.path() / "nope.txt"), std::system_error);
  CHECK_THROWS_WITH(LineReader::open(dir.path() / "nope.txt"), Catch::Contains("No such file or directory"));
  CHECK_THROWS_WITH(LineReader::open(dir.path()), Catch::Contains("Is a directory"));
}

TEST_CASE("a line limit of 0 is std::invalid_argument, not silently 1") {
  streamlab::TempDir dir{"test"};
  CHECK_THROWS_AS(LineReader::open(write_file(dir, "z.txt", "abc\n"), 0), std::invalid_argument);
  CHECK_THROWS_AS(LineReader::from_stdin(0), std::invalid_argument);
  CHECK(LineReader::open(write_file(dir, "one.txt", "abc\n"), 1).next()->text == "a");
}

TEST_CASE("lines arrive from a pipe as they are written") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::thread writer([fd = fds[1]] {
    for (const char* piece : {"first li", "ne\nsecond line\nthi", "rd"}) {
      REQUIRE(write(fd, piece, std::strlen(piece)) > 0);
    }
    close(fd);
  });
  auto lines = all_lines(LineReader::from_fd(fds[0]));
  writer.join();
  close(fds[0]);
  CHECK(lines == std::vector<std::string>{"first line", "second line", "third"});
}

TEST_CASE("read_lines yields owned strings") {
  streamlab::TempDir dir{"test"};
  std::vector<std::string> lines;
  for (auto& line : streamlab::read_lines(write_file(dir, "r.txt", "a\nb\n"))) lines.push_back(line);
  CHECK(lines == std::vector<std::string>{"a", "b"});
  CHECK_THROWS(streamlab::read_lines(dir.path() / "missing").begin());
}

TEST_CASE("a moved reader goes on where the original stopped") {
  streamlab::TempDir dir{"test"};
  auto reader = LineReader::open(write_file(dir, "m.txt", "1\n2\n3\n"));
  CHECK(reader.next()->text == "1");
  LineReader moved = std::move(reader);
  CHECK(moved.next()->text == "2");
  reader = std::move(moved);
  CHECK(reader.next()->text == "3");
}
