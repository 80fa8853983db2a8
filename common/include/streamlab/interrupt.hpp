// Ctrl-C and SIGTERM as a flag: the signal only sets it, and a long-running program checks it, stops and finishes
// cleanly.
#pragma once

namespace streamlab {

/// Makes Ctrl-C (SIGINT) and SIGTERM (what `kill`, `timeout` and `docker stop` send) set a flag
/// instead of ending the program. A pipeline checks `interrupted()` where it reads its input,
/// stops reading, lets what it already read flow through every stage, writes it, removes its
/// temporary files and exits with interrupt_exit_status() — where the default action would kill
/// it mid-write and leave half a file behind.
///
/// - The handler does only what a signal handler may safely do (signal-safety(7)): it stores
///   lock-free atomics (the flag, and which signal came first) and writes one byte to a pipe
///   that wakes wait_for_input(). `SA_RESTART`: a read or write the signal lands in carries on
///   instead of failing with EINTR; a wait for input that may never come (a pipe, a terminal)
///   goes through wait_for_input(), which the signal ends (BufferedInput does it, so LineReader
///   and CsvReader on stdin stop waiting: their input ends there).
/// - It stays installed: a second signal only sets the flag again, so it cannot cut the cleanup
///   short (SIGQUIT, `Ctrl-\`, still ends the program at once; SIGKILL cannot be caught).
/// - The first signal decides how the program ends: 130 and *Interrupted (Ctrl-C)* for SIGINT,
///   143 and *Terminated (SIGTERM)* for SIGTERM (128 + the signal's number, as shells report a
///   program the signal killed).
/// - Install it first thing in `main`, before any file is made. It also unblocks SIGINT and
///   SIGTERM (a parent may have started this process with them blocked: one that arrived in
///   between is handled now). Calling it again is harmless.
///
/// Thread-safe: the functions below may be called from any thread, as often as needed.
///
/// **Example**
/// \code
/// streamlab::install_interrupt_flag();
/// while (!streamlab::interrupted()) {
///   auto row = reader.next();   // reading stdin: a signal ends a wait for input, and the input with it
///   if (!row) break;
///   handle(*row);
/// }
/// if (streamlab::interrupted()) {
///   fmt::print("{}: what was read is written.\n", streamlab::interrupt_name());
///   return streamlab::interrupt_exit_status();  // 130 or 143
/// }
/// \endcode
void install_interrupt_flag();

/// True once SIGINT or SIGTERM has been received since install_interrupt_flag() (or since clear).
bool interrupted() noexcept;

/// The signal received first (SIGINT or SIGTERM), or 0 when none was.
int interrupt_signal() noexcept;

/// How a program that stopped for the signal should exit: 128 + interrupt_signal() (130 for
/// SIGINT, 143 for SIGTERM), as a shell reports a program the signal killed; 0 when none came.
int interrupt_exit_status() noexcept;

/// The words for a message about it: "Interrupted (Ctrl-C)" for SIGINT, "Terminated (SIGTERM)"
/// for SIGTERM, "" when none came.
const char* interrupt_name() noexcept;

/// Waits until file descriptor `fd` has something to read (data, its end, or an error: a read()
/// will not block) and returns true — or returns false once a stop signal has been received while
/// it has nothing. Regular files are always readable. Without install_interrupt_flag() it returns
/// true at once (and a read then waits as it always did).
bool wait_for_input(int fd);

/// Thrown by throw_if_interrupted(): a way out of deep loops that unwinds the stack, so that
/// destructors remove temporary files on the way. Not an error, so not a `std::exception`: a
/// `catch (const std::exception&)` meant for errors lets it through (Python's KeyboardInterrupt
/// is kept apart from Exception for the same reason). Catch it in `main` — `run_program` does
/// (program.hpp) — print interrupt_name() and exit with interrupt_exit_status(): an exception
/// that no one catches may end the program without unwinding, and leave the files behind.
struct Interrupted {
  /// interrupt_name() when it was thrown.
  const char* what() const noexcept { return name; }
  /// The words: "Interrupted (Ctrl-C)" or "Terminated (SIGTERM)".
  const char* name = "";
};

/// Throws Interrupted when interrupted() is true. Cheap (one relaxed atomic load): call it once
/// a row or a block in a loop that may run long.
void throw_if_interrupted();

/// Lowers the flag again and forgets the signal (for tests, or a program that goes on after
/// handling an interrupt).
void clear_interrupt_flag() noexcept;

}  // namespace streamlab
