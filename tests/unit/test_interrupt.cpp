#include "streamlab/interrupt.hpp"

#include "streamlab/csv.hpp"
#include "streamlab/line_reader.hpp"

#include <pthread.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <string_view>

namespace {

// Each case starts and ends with the flag down (the flag is one per process).
struct FlagDown {
  FlagDown() {
    streamlab::install_interrupt_flag();
    streamlab::clear_interrupt_flag();
  }
  ~FlagDown() { streamlab::clear_interrupt_flag(); }
};

// A pipe whose two ends close themselves.
struct Pipe {
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe() {
    close_write();
    ::close(fds[0]);
  }
  int read_end() const { return fds[0]; }
  void write(std::string_view text) { REQUIRE(::write(fds[1], text.data(), text.size()) == std::ssize(text)); }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

}  // namespace

TEST_CASE("Ctrl-C sets the flag instead of ending the program, and a second one too") {
  FlagDown down;
  CHECK_FALSE(streamlab::interrupted());
  CHECK(streamlab::interrupt_signal() == 0);
  CHECK(streamlab::interrupt_exit_status() == 0);
  CHECK(std::string_view(streamlab::interrupt_name()).empty());
  std::raise(SIGINT);  // without the handler, this would end the test program
  CHECK(streamlab::interrupted());
  CHECK(streamlab::interrupt_signal() == SIGINT);
  CHECK(streamlab::interrupt_exit_status() == 130);
  CHECK(std::string_view(streamlab::interrupt_name()) == "Interrupted (Ctrl-C)");
  std::raise(SIGINT);
  CHECK(streamlab::interrupted());
  streamlab::clear_interrupt_flag();
  CHECK_FALSE(streamlab::interrupted());
  CHECK(streamlab::interrupt_signal() == 0);
  streamlab::install_interrupt_flag();  // again: harmless
  std::raise(SIGINT);
  CHECK(streamlab::interrupted());
}

TEST_CASE("SIGTERM sets the same flag: exit status 143, Terminated (SIGTERM)") {
  FlagDown down;
  std::raise(SIGTERM);  // without the handler, this would end the test program
  CHECK(streamlab::interrupted());
  CHECK(streamlab::interrupt_signal() == SIGTERM);
  CHECK(streamlab::interrupt_exit_status() == 143);
  CHECK(std::string_view(streamlab::interrupt_name()) == "Terminated (SIGTERM)");
}

TEST_CASE("The first signal decides how the program ends; a second one during the cleanup changes nothing") {
  FlagDown down;
  std::raise(SIGTERM);
  std::raise(SIGINT);
  CHECK(streamlab::interrupt_exit_status() == 143);
  CHECK(std::string_view(streamlab::interrupt_name()) == "Terminated (SIGTERM)");
  streamlab::clear_interrupt_flag();
  std::raise(SIGINT);
  std::raise(SIGTERM);
  CHECK(streamlab::interrupt_exit_status() == 130);
  CHECK(std::string_view(streamlab::interrupt_name()) == "Interrupted (Ctrl-C)");
}

TEST_CASE("A signal that came while SIGTERM was blocked (a parent started us so) is handled on install") {
  FlagDown down;
  sigset_t term, previous;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &previous);
  std::raise(SIGTERM);  // pending, not delivered
  CHECK_FALSE(streamlab::interrupted());
  streamlab::install_interrupt_flag();  // unblocks it: delivered now
  CHECK(streamlab::interrupted());
  CHECK(streamlab::interrupt_exit_status() == 143);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

TEST_CASE("throw_if_interrupted throws Interrupted, which a catch for errors (std::exception) lets through") {
  FlagDown down;
  CHECK_NOTHROW(streamlab::throw_if_interrupted());
  std::raise(SIGTERM);
  const auto catches_errors_only = [] {
    try {
      streamlab::throw_if_interrupted();
    } catch (const std::exception&) {
      FAIL("Interrupted was caught as an error");
    }
  };
  try {
    catches_errors_only();
    FAIL("nothing was thrown");
  } catch (const streamlab::Interrupted& stop) {
    CHECK(std::string_view(stop.what()) == "Terminated (SIGTERM)");
  }
}

TEST_CASE("wait_for_input: input that is there is read even after a signal; none, and the wait ends") {
  FlagDown down;
  Pipe pipe;
  pipe.write("x");
  CHECK(streamlab::wait_for_input(pipe.read_end()));
  std::raise(SIGTERM);
  CHECK(streamlab::wait_for_input(pipe.read_end()));  // a read will not block: let it read
  char byte = 0;
  REQUIRE(::read(pipe.read_end(), &byte, 1) == 1);
  CHECK_FALSE(streamlab::wait_for_input(pipe.read_end()));  // nothing there, and a signal came
  pipe.close_write();
  CHECK(streamlab::wait_for_input(pipe.read_end()));  // the end of the input is there to read
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  CHECK(streamlab::wait_for_input(::fileno(file)));  // a regular file never makes anyone wait
  std::fclose(file);
}

TEST_CASE("A signal ends a reader's wait on a pipe that stays open: the last whole record is the last one read") {
  FlagDown down;
  Pipe pipe;
  pipe.write("timestamp_ms,value\n1,10.5\n2,20");  // the third record is cut short: no newline yet
  auto reader = streamlab::CsvReader::from_fd(pipe.read_end());
  auto first = reader.next();
  REQUIRE(first);
  CHECK(first->get<double>(1).value == 10.5);
  // Another thread reads on: it waits for the rest of "2,20" that never comes, until SIGTERM.
  auto rest = std::async(std::launch::async, [&] {
    int rows = 0;
    while (reader.next()) ++rows;
    return rows;
  });
  ::kill(::getpid(), SIGTERM);  // to the process, as `kill` sends it: any thread may run the handler
  if (rest.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    pipe.write("\n");  // unblock it, so the test fails instead of hanging
    pipe.close_write();
    FAIL("the reader still waited 10 s after SIGTERM");
  }
  CHECK(rest.get() == 0);  // "2,20" was dropped, not read as a record with the value 20
}

TEST_CASE("A LineReader on a pipe stops waiting at a signal too, after the lines already there") {
  FlagDown down;
  Pipe pipe;
  pipe.write("one\ntwo\nthr");
  auto reader = streamlab::LineReader::from_fd(pipe.read_end());
  std::raise(SIGINT);
  auto one = reader.next();
  auto two = reader.next();
  REQUIRE(one);
  REQUIRE(two);
  CHECK(one->text == "one");
  CHECK(two->text == "two");
  CHECK_FALSE(reader.next());  // "thr" cut short: dropped
}
