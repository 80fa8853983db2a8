// Tests of check_file_options: outputs that AtomicFile would refuse, and two options naming one file,
// found before any work — however the paths are spelled.
#include "streamlab/file_options.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {
// The paths of a test, as the strings a program's options hold.
struct Files {
  streamlab::TempDir dir{"unit"};
  std::string at(const std::string& name) const { return (dir.path() / name).string(); }
  std::string made(const std::string& name) const {
    std::ofstream(dir.path() / name) << "timestamp_ms,sensor_id,value\n";
    return at(name);
  }
};
}  // namespace

TEST_CASE("distinct files, and options not given, pass") {
  Files f;
  const std::string input = f.made("in.csv");
  CHECK_FALSE(streamlab::check_file_options(
      {{"--input", input}},
      {{"--output", f.at("out.csv")}, {"--dead-letter", f.at("bad.csv")}, {"--summary-json", ""}}));
  CHECK_FALSE(streamlab::check_file_options({{"--input", ""}}, {{"--output", ""}, {"--dead-letter", ""}}));
}

TEST_CASE("two outputs naming one file are reported, naming both options", "[faults]") {
  Files f;
  const std::string out = f.at("out.csv");
  const auto error = streamlab::check_file_options({}, {{"--output", out}, {"--dead-letter", out}});
  REQUIRE(error);
  CHECK(*error == "--output " + out + " and --dead-letter " + out + " name the same file");
  // A file not made yet, spelled two ways.
  const std::string other = (f.dir.path() / "sub" / ".." / "out.csv").string();
  fs::create_directories(f.dir.path() / "sub");
  CHECK(streamlab::check_file_options({}, {{"--output", out}, {"--summary-json", other}}));
}

TEST_CASE("an output that is the input is reported, however it is spelled", "[faults]") {
  Files f;
  const std::string input = f.made("in.csv");
  CHECK(streamlab::check_file_options({{"--input", input}}, {{"--output", input}}) ==
        "--input " + input + " and --output " + input + " name the same file");
  SECTION("another spelling") {
    const std::string spelled = f.dir.path().string() + "/./in.csv";
    CHECK(streamlab::check_file_options({{"--input", input}}, {{"--output", spelled}}));
  }
  SECTION("a hard link") {
    fs::create_hard_link(input, f.at("hard.csv"));
    CHECK(streamlab::check_file_options({{"--input", input}}, {{"--output", f.at("hard.csv")}}));
  }
  SECTION("a symbolic link") {
    fs::create_symlink("in.csv", f.at("link.csv"));
    CHECK(streamlab::check_file_options({{"--input", f.at("link.csv")}}, {{"--dead-letter", input}}));
  }
  SECTION("a link to a file not made yet, and that file") {
    fs::create_symlink("new.csv", f.at("later.csv"));
    CHECK(streamlab::check_file_options({}, {{"--output", f.at("later.csv")}, {"--dead-letter", f.at("new.csv")}}));
  }
  SECTION("stdin redirected from the output") {
    const int saved = ::dup(STDIN_FILENO);
    const int file = ::open(input.c_str(), O_RDONLY);
    REQUIRE(::dup2(file, STDIN_FILENO) == STDIN_FILENO);
    const auto error = streamlab::check_file_options({{"--input", "-"}}, {{"--output", input}});
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::close(file);
    CHECK(error == "--input - and --output " + input + " name the same file");
  }
}

TEST_CASE("character devices are shared harmlessly, and stdin that is no file clashes with nothing") {
  Files f;
  CHECK_FALSE(
      streamlab::check_file_options({{"--input", "-"}}, {{"--output", "/dev/null"}, {"--dead-letter", "/dev/null"}}));
  CHECK_FALSE(streamlab::check_file_options({{"--input", "/dev/null"}}, {{"--output", "/dev/null"}}));
}

TEST_CASE("an output AtomicFile would refuse is reported before any work", "[faults]") {
  Files f;
  fs::create_directories(f.dir.path() / "results");
  CHECK(streamlab::check_file_options({}, {{"--output", f.at("results")}}) ==
        "--output " + f.at("results") + ": Is a directory");
  // Inputs are left to the reader: a directory as input is its error to report.
  CHECK_FALSE(streamlab::check_file_options({{"--input", f.at("results")}}, {{"--output", f.at("out.csv")}}));
  CHECK(fs::is_empty(f.dir.path() / "results"));
}
