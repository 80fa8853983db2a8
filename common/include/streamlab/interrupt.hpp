// Ctrl-C as a flag: SIGINT only sets it, and a long-running program checks it, stops reading and finishes cleanly.
#pragma once

namespace streamlab {

/// Makes Ctrl-C (SIGINT) set a flag instead of ending the program. A pipeline checks
/// `interrupted()` where it reads its input, stops reading, lets what it already read flow through
/// every stage, writes it, removes its temporary files and exits — where the default action would
/// kill it mid-write and leave half a file behind.
///
/// - The handler does the one thing a signal handler may safely do (signal-safety(7)): store a
///   lock-free atomic flag. `SA_RESTART`: a read or write the signal lands in carries on instead of
///   failing with EINTR.
/// - It stays installed: a second Ctrl-C only sets the flag again, so it cannot cut the cleanup
///   short (SIGQUIT, `Ctrl-\`, still ends the program at once).
/// - Install it first thing in `main`, before any file is made. Calling it again is harmless.
///
/// Thread-safe: interrupted() may be called from any thread, as often as needed (a relaxed load).
///
/// **Example**
/// \code
/// streamlab::install_interrupt_flag();
/// while (!streamlab::interrupted()) {
///   auto row = reader.next();
///   if (!row) break;
///   handle(*row);
/// }
/// if (streamlab::interrupted()) return 130;   // 128 + SIGINT, as shells report it
/// \endcode
void install_interrupt_flag();

/// True once Ctrl-C (SIGINT) has been received since install_interrupt_flag() (or since clear).
bool interrupted() noexcept;

/// Lowers the flag again (for tests, or a program that goes on after handling an interrupt).
void clear_interrupt_flag() noexcept;

}  // namespace streamlab
