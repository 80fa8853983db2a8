#include "streamlab/input_file.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <string>

TEST_CASE("open_input_file and read_some read a file to its end") {
  streamlab::TempDir dir{"test"};
  const auto path = dir.path() / "a.txt";
  std::ofstream(path) << "hello, file";
  const int fd = streamlab::open_input_file(path);
  REQUIRE(fd >= 0);
  std::string text;
  char buffer[4];
  for (std::size_t n; (n = streamlab::read_some(fd, buffer, sizeof buffer, "a.txt")) > 0;) text.append(buffer, n);
  CHECK(text == "hello, file");
  CHECK(streamlab::read_some(fd, buffer, sizeof buffer, "a.txt") == 0);  // stays at the end
  ::close(fd);
}

TEST_CASE("errors name the file and the reason") {
  streamlab::TempDir dir{"test"};
  CHECK_THROWS_WITH(streamlab::open_input_file(dir.path() / "missing.csv"),
                    Catch::Matchers::EndsWith("missing.csv: No such file or directory"));
  CHECK_THROWS_WITH(streamlab::open_input_file(dir.path()), Catch::Matchers::EndsWith(": is a directory, not a file"));
  char buffer[4];
  CHECK_THROWS_WITH(streamlab::read_some(-1, buffer, sizeof buffer, "nothing"),
                    "nothing: read failed: Bad file descriptor");
}
