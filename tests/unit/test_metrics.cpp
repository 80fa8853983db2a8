#include "streamlab/metrics.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>

TEST_CASE("peak RSS grows when memory is touched and never shrinks") {
  const auto before = streamlab::peak_rss_bytes();
  REQUIRE(before > 0);
  constexpr std::size_t size = 64 * 1024 * 1024;
  {
    auto block = std::make_unique<char[]>(size);
    std::memset(block.get(), 1, size);  // touch every page so it becomes resident
    CHECK(streamlab::current_rss_bytes() >= size);
    CHECK(block[size - 1] == 1);
  }
  const auto after = streamlab::peak_rss_bytes();
  CHECK(after >= before);
  CHECK(after >= size);
}

TEST_CASE("a stopwatch never runs backwards") {
  streamlab::Stopwatch watch;
  const double first = watch.elapsed_seconds();
  const double second = watch.elapsed_seconds();
  CHECK(first >= 0.0);
  CHECK(second >= first);
  CHECK(watch.elapsed_ms() >= second * 1000.0);
}

TEST_CASE("to_mib converts bytes") { CHECK(streamlab::to_mib(3 * 1024 * 1024) == 3.0); }

namespace {
// What was written to the read end of a pipe so far.
std::string drain(int fd) {
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}
}  // namespace

TEST_CASE("a progress line is redrawn in place and erased when done") {
  int ends[2];
  REQUIRE(::pipe2(ends, O_NONBLOCK) == 0);
  {
    streamlab::ProgressLine progress{ends[1], true, std::chrono::steady_clock::duration::zero()};
    CHECK(progress.enabled());
    CHECK(progress.due());
    progress.show("1 of 3");
    progress.show("2 of 3");
    CHECK(drain(ends[0]) == "\r1 of 3\033[K\r2 of 3\033[K");
  }  // the destructor erases the line
  CHECK(drain(ends[0]) == "\r\033[K");
  ::close(ends[0]);
  ::close(ends[1]);
}

TEST_CASE("a progress line is due at most once per interval, and never when disabled") {
  int ends[2];
  REQUIRE(::pipe2(ends, O_NONBLOCK) == 0);
  {
    streamlab::ProgressLine hourly{ends[1], true, std::chrono::hours(1)};
    CHECK_FALSE(hourly.due());  // not before the first interval has passed
    hourly.clear();             // nothing shown: nothing to erase
    streamlab::ProgressLine off{ends[1], false, std::chrono::steady_clock::duration::zero()};
    CHECK_FALSE(off.enabled());
    CHECK_FALSE(off.due());
    off.show("hidden");
  }
  CHECK(drain(ends[0]).empty());
  ::close(ends[0]);
  ::close(ends[1]);
}

TEST_CASE("a progress line is off when stderr is not a terminal") {
  // Under ctest stderr is a pipe or a file; this checks the default follows isatty(2).
  streamlab::ProgressLine progress;
  CHECK(progress.enabled() == (::isatty(STDERR_FILENO) == 1));
}
