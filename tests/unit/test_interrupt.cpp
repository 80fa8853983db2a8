#include "streamlab/interrupt.hpp"

#include <catch2/catch.hpp>

#include <csignal>

TEST_CASE("Ctrl-C sets the flag instead of ending the program, and a second one too") {
  streamlab::install_interrupt_flag();
  streamlab::clear_interrupt_flag();
  CHECK_FALSE(streamlab::interrupted());
  std::raise(SIGINT);  // without the handler, this would end the test program
  CHECK(streamlab::interrupted());
  std::raise(SIGINT);
  CHECK(streamlab::interrupted());
  streamlab::clear_interrupt_flag();
  CHECK_FALSE(streamlab::interrupted());
  streamlab::install_interrupt_flag();  // again: harmless
  std::raise(SIGINT);
  CHECK(streamlab::interrupted());
  streamlab::clear_interrupt_flag();
}
