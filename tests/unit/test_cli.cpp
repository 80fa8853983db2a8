#include "streamlab/cli.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

/// Sends a file descriptor to /dev/null for the lifetime of the object (to keep test logs clean).
class Silenced {
 public:
  explicit Silenced(int fd) : fd_(fd), saved_(dup(fd)) {
    std::fflush(nullptr);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, fd_);
    close(null);
  }
  ~Silenced() {
    std::fflush(nullptr);
    dup2(saved_, fd_);
    close(saved_);
  }
  Silenced(const Silenced&) = delete;
  Silenced& operator=(const Silenced&) = delete;

 private:
  int fd_;
  int saved_;
};

/// Parses `args` for a lesson with one count option; returns the status parse_command_line gave.
std::optional<int> parse(std::vector<std::string> args, std::int64_t& count) {
  CLI::App app{"A test lesson.", "99_test"};
  streamlab::add_count_option(app, "--count", count, "records", std::int64_t{1000});
  args.insert(args.begin(), "99_test");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  Silenced quiet_out{STDOUT_FILENO};
  Silenced quiet_err{STDERR_FILENO};
  return streamlab::parse_command_line(app, static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("valid options let the lesson run") {
  std::int64_t count = 10;
  CHECK_FALSE(parse({}, count).has_value());
  CHECK(count == 10);
  CHECK_FALSE(parse({"--count", "7"}, count).has_value());
  CHECK(count == 7);
  CHECK_FALSE(parse({"--count=1000"}, count).has_value());
  CHECK(count == 1000);
}

TEST_CASE("help asks the lesson to exit with status 0") {
  std::int64_t count = 10;
  CHECK(parse({"--help"}, count) == std::optional<int>{0});
  CHECK(parse({"-h"}, count) == std::optional<int>{0});
}

TEST_CASE("bad usage gives exit status 2") {
  std::int64_t count = 10;
  for (const char* bad : {"0", "-5", "abc", "1e3", "5x", "1001", "99999999999999999999", ""}) {
    INFO("value: " << bad);
    CHECK(parse({"--count", bad}, count) == std::optional<int>{streamlab::exit_usage});
  }
  CHECK(parse({"--bogus"}, count) == std::optional<int>{streamlab::exit_usage});
  CHECK(parse({"--count"}, count) == std::optional<int>{streamlab::exit_usage});
  CHECK(parse({"stray"}, count) == std::optional<int>{streamlab::exit_usage});
}

TEST_CASE("the whole-number validator explains what is wrong") {
  auto validator = streamlab::whole_number_in(1, 10);
  std::string text = "0";
  CHECK(validator(text) == "0 is out of range: must be from 1 to 10");
  text = "ten";
  CHECK(validator(text) == "ten is not a whole number");
  text = "10";
  CHECK(validator(text).empty());
}

TEST_CASE("the seed option takes any unsigned 64-bit number and nothing else") {
  auto parse_seed = [](const char* value, std::uint64_t& seed) {
    CLI::App app{"A test lesson.", "99_test"};
    streamlab::add_seed_option(app, seed);
    const char* argv[] = {"99_test", "--seed", value};
    Silenced quiet_out{STDOUT_FILENO};
    Silenced quiet_err{STDERR_FILENO};
    return streamlab::parse_command_line(app, 3, argv);
  };
  std::uint64_t seed = 0;
  CHECK_FALSE(parse_seed("18446744073709551615", seed).has_value());
  CHECK(seed == UINT64_MAX);
  CHECK_FALSE(parse_seed("0", seed).has_value());
  CHECK(seed == 0);
  for (const char* bad : {"-1", "18446744073709551616", "abc", "1.5", ""}) {
    INFO("value: " << bad);
    CHECK(parse_seed(bad, seed) == std::optional<int>{streamlab::exit_usage});
  }
}

namespace {

/// The message command_line_error gives for `args`, or "" when they parse.
std::string error_for(std::vector<std::string> args) {
  CLI::App app{"A test lesson.", "99_test"};
  std::int64_t count = 1;
  streamlab::add_count_option(app, "--count", count, "records", std::int64_t{1000});
  args.insert(args.begin(), "99_test");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    return streamlab::command_line_error(error);
  }
  return "";
}

}  // namespace

TEST_CASE("command-line errors are one plain sentence") {
  CHECK(error_for({"--count"}) == "--count needs a value");
  CHECK(error_for({"--count", "5", "--count", "6"}) == "--count is given more than once");
  CHECK(error_for({"--bogus"}) == "unknown option --bogus");
  CHECK(error_for({"stray"}) == "unexpected argument 'stray' (every option starts with --)");
  CHECK(error_for({"one", "two"}) == "unexpected arguments: one two");
  CHECK(error_for({"--count", "abc"}) == "--count: abc is not a whole number");
  CHECK(error_for({"--count", "7"}).empty());
}

TEST_CASE("every lesson answers --version with its name and the project's version") {
  std::int64_t count = 10;
  CLI::App app{"A test lesson.", "99_test"};
  streamlab::add_count_option(app, "--count", count, "records", std::int64_t{1000});
  const char* argv[] = {"99_test", "--version"};
  Silenced quiet_out{STDOUT_FILENO};
  CHECK(streamlab::parse_command_line(app, 2, argv) == std::optional<int>{0});
  CHECK_THAT(app.get_option("--version")->get_description(), Catch::Contains("version"));
}
