// run_program: a lesson's work run so that every way out is clean — one error line, a closed stdout quietly, temporary
// files removed.
#pragma once

#include "streamlab/interrupt.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string_view>
#include <system_error>

namespace streamlab {

/// True when stdout was closed by its reader (`lesson | head`): a flush fails with EPIPE. Then
/// print nothing more, and end quietly. Flushes stdout either way.
inline bool stdout_closed() { return std::fflush(stdout) != 0 && errno == EPIPE; }

/// Runs `work` (which returns the exit status) the way a program that writes files should end:
///
/// - SIGPIPE is ignored, so a closed stdout is an EPIPE error rather than a sudden death;
/// - every exception is caught here, so the stack always unwinds and destructors remove temporary
///   files (an uncaught exception may end a program without unwinding); an error becomes one line,
///   `NAME: error: what`, on stderr, and exit status 1 — a closed stdout, status 0 and no message;
/// - a stop signal that `work` ended with streamlab::Interrupted (throw_if_interrupted(), see
///   interrupt.hpp) is not an error: the stack unwinds, one line, `Interrupted (Ctrl-C): stopped
///   before the end.` (or *Terminated (SIGTERM)*), goes to stdout, and the status is 130 (or 143);
/// - stdout is flushed at the end.
///
/// **Example**
/// \code
/// int main(int argc, char** argv) {
///   ... parse the options ...
///   return streamlab::run_program(app.get_name(), [&] { return run(options); });
/// }
/// \endcode
template <typename Work>
int run_program(std::string_view name, Work work) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const int status = work();
    stdout_closed();  // flushes; a closed stdout is not an error worth a message
    return status;
  } catch (const Interrupted& stop) {
    if (!stdout_closed()) fmt::print("\n{}: stopped before the end.\n", stop.what());
    stdout_closed();
    return interrupt_exit_status();
  } catch (const std::system_error& error) {
    if (error.code().value() == EPIPE) return 0;  // stdout closed: end quietly
    fmt::print(stderr, "{}: error: {}\n", name, error.what());
    return 1;
  } catch (const std::exception& error) {  // a file that could not be made or written: disk full, no TMPDIR, ...
    fmt::print(stderr, "{}: error: {}\n", name, error.what());
    return 1;
  }
}

}  // namespace streamlab
