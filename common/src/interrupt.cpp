#include "streamlab/interrupt.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>

namespace streamlab {

namespace {

std::atomic<bool> flag{false};
std::atomic<int> first_signal{0};
// The wake-up pipe: the handler writes a byte to wake_write, wait_for_input() polls wake_read.
// Non-blocking both ends (the handler never waits; clearing drains it), close-on-exec.
std::atomic<int> wake_read{-1};
std::atomic<int> wake_write{-1};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

extern "C" void on_stop_signal(int signal) {
  const int saved_errno = errno;  // write() may change it under the interrupted code's feet
  int none = 0;
  first_signal.compare_exchange_strong(none, signal, std::memory_order_relaxed);
  flag.store(true, std::memory_order_relaxed);
  if (const int fd = wake_write.load(std::memory_order_relaxed); fd >= 0) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(fd, &byte, 1);  // full pipe: it is awake already
  }
  errno = saved_errno;
}

void make_wake_pipe() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return;  // no pipe: waits are not interruptible, all else works
  wake_read.store(fds[0]);
  wake_write.store(fds[1]);
}

}  // namespace

void install_interrupt_flag() {
  static std::once_flag pipe_made;
  std::call_once(pipe_made, make_wake_pipe);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
}

bool interrupted() noexcept { return flag.load(std::memory_order_relaxed); }

int interrupt_signal() noexcept { return first_signal.load(std::memory_order_relaxed); }

int interrupt_exit_status() noexcept {
  const int signal = interrupt_signal();
  return signal == 0 ? 0 : 128 + signal;
}

const char* interrupt_name() noexcept {
  switch (interrupt_signal()) {
    case SIGINT:
      return "Interrupted (Ctrl-C)";
    case SIGTERM:
      return "Terminated (SIGTERM)";
    default:
      return "";
  }
}

bool wait_for_input(int fd) {
  const int wake = wake_read.load(std::memory_order_relaxed);
  if (wake < 0) return true;
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
    const bool stop = interrupted();  // then only a look: is there input already?
    const int ready = ::poll(fds, 2, stop ? 0 : -1);
    if (ready < 0 && errno != EINTR) return true;  // let the read() report what is wrong
    if (ready > 0 && fds[0].revents != 0) return true;
    if (stop || interrupted()) return false;
    // Woken with the flag down: it was cleared after the byte came, and clear_interrupt_flag() drains it.
  }
}

void throw_if_interrupted() {
  if (interrupted()) throw Interrupted{interrupt_name()};
}

void clear_interrupt_flag() noexcept {
  flag.store(false, std::memory_order_relaxed);
  first_signal.store(0, std::memory_order_relaxed);
  const int fd = wake_read.load(std::memory_order_relaxed);
  if (fd < 0) return;
  char bytes[64];
  while (::read(fd, bytes, sizeof bytes) > 0) {
  }
  // A signal between the store and the drain: its byte was drained, so wake the waiters again.
  if (interrupted()) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(wake_write.load(std::memory_order_relaxed), &byte, 1);
  }
}

}  // namespace streamlab
