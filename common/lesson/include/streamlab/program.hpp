// run_program: a lesson's work run so that every way out is clean — one error line, a closed stdout quietly, temporary
// files removed.
#pragma once

#include "streamlab/interrupt.hpp"

#include <fmt/core.h>

#include <poll.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>
#include <system_error>

namespace streamlab {

/// True when stdout was closed by its reader (`lesson | head`): a flush fails with EPIPE, or the
/// pipe reports an error with nothing left to flush. Then print nothing more, and end quietly.
/// Flushes stdout either way.
inline bool stdout_closed() {
  if (std::fflush(stdout) != 0) return errno == EPIPE;
  pollfd out{STDOUT_FILENO, 0, 0};  // no events asked: POLLERR comes back for a pipe without a reader
  return ::poll(&out, 1, 0) == 1 && (out.revents & POLLERR) != 0;
}

/// Flushes stdout at the end of a run: a closed stdout ends quietly with `status`; any other
/// failure to write it, now or earlier (a full disk, `lesson > /dev/full`: stdio keeps the error
/// flag, not the text it could not write), is an error line and status 1, since the output the user
/// asked for is incomplete.
inline int finish_stdout(std::string_view name, int status) {
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && !std::ferror(stdout)) return status;
  if ((!flushed && error == EPIPE) || stdout_closed()) return status;  // closed by its reader: quietly
  fmt::print(stderr, "{}: error: cannot write the output to stdout{}\n", name,
             flushed ? "" : fmt::format(": {}", std::strerror(error)));
  return status == 0 ? 1 : status;
}

/// Runs `work` (which returns the exit status) the way a program that writes files should end:
///
/// - SIGPIPE is ignored, so a closed stdout is an EPIPE error rather than a sudden death; so is
///   SIGXFSZ, so a file grown past the size limit (`ulimit -f`) is an EFBIG error, reported like a
///   full disk, with the temporary files removed;
/// - every exception is caught here, so the stack always unwinds and destructors remove temporary
///   files (an uncaught exception may end a program without unwinding); an error becomes one line,
///   `NAME: error: what`, on stderr, and exit status 1 — a closed stdout, status 0 and no message
///   (an EPIPE from another pipe, an `--output` FIFO whose reader left, is an error like any other);
/// - a stop signal that `work` ended with streamlab::Interrupted (throw_if_interrupted(), see
///   interrupt.hpp) is not an error: the stack unwinds, one line, `Interrupted (Ctrl-C): stopped
///   before the end.` (or *Terminated (SIGTERM)*), goes to stdout, and the status is 130 (or 143);
/// - stdout is flushed at the end, and a failure to write it is an error (finish_stdout).
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
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return finish_stdout(name, work());
  } catch (const Interrupted& stop) {
    if (!stdout_closed()) fmt::print("\n{}: stopped before the end.\n", stop.what());
    stdout_closed();
    return interrupt_exit_status();
  } catch (const std::system_error& error) {
    if (error.code().value() == EPIPE && stdout_closed()) return 0;  // stdout closed: end quietly
    fmt::print(stderr, "{}: error: {}\n", name, error.what());
    return 1;
  } catch (const std::exception& error) {  // a file that could not be made or written: disk full, no TMPDIR, ...
    fmt::print(stderr, "{}: error: {}\n", name, error.what());
    return 1;
  }
}

}  // namespace streamlab
