// Tests of exercise 01.1, a generator of lines (exercises/01_basic_streaming/1_lines_of.hpp).
// Run them with: scripts/exercise 01.1
#include "1_lines_of.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using exercise::lines_of;

namespace {
std::vector<std::string> all_lines(std::string text) {
  std::vector<std::string> lines;
  for (std::string& line : lines_of(std::move(text))) lines.push_back(line);
  return lines;
}
}  // namespace

TEST_CASE("lines_of: three lines, each ending in a newline, are three lines without their newlines") {
  CHECK(all_lines("a\nbb\nccc\n") == std::vector<std::string>{"a", "bb", "ccc"});
}

TEST_CASE("lines_of: the last line counts even when no newline ends it") {
  CHECK(all_lines("x\ny") == std::vector<std::string>{"x", "y"});
  CHECK(all_lines("only line") == std::vector<std::string>{"only line"});
}

TEST_CASE("lines_of: a newline at the very end does not make one more, empty line") {
  CHECK(all_lines("x\ny\n") == std::vector<std::string>{"x", "y"});
  CHECK(all_lines("\n") == std::vector<std::string>{""});
}

TEST_CASE("lines_of: empty lines in between are kept") {
  CHECK(all_lines("a\n\nb") == std::vector<std::string>{"a", "", "b"});
}

TEST_CASE("lines_of: an empty text has no lines") { CHECK(all_lines("").empty()); }

TEST_CASE("lines_of: a stream of 100000 lines comes out whole and in order, one line at a time") {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += std::to_string(i) + '\n';
  int expected = 0;
  bool in_order = true;
  for (const std::string& line : lines_of(text)) in_order = in_order && line == std::to_string(expected++);
  CHECK(in_order);
  CHECK(expected == 100000);
}
