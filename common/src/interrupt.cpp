#include "streamlab/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace streamlab {

namespace {

std::atomic<bool> flag{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

extern "C" void on_sigint(int) { flag.store(true, std::memory_order_relaxed); }

}  // namespace

void install_interrupt_flag() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
}

bool interrupted() noexcept { return flag.load(std::memory_order_relaxed); }

void clear_interrupt_flag() noexcept { flag.store(false, std::memory_order_relaxed); }

}  // namespace streamlab
