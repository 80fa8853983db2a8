// thread_cpu_time(): how much CPU time the calling thread has used, to show that a waiting thread costs nothing.
#pragma once

#include <chrono>

#include <time.h>

namespace streamlab {

/// The CPU time the calling thread has used so far (`CLOCK_THREAD_CPUTIME_ID`): compare two
/// readings around a wait to see how much of the wait the thread spent running. A thread that
/// sleeps on a condition variable uses microseconds; one that spins uses the whole wait.
///
/// **Example**
/// \code
/// const auto before = streamlab::thread_cpu_time();
/// auto item = queue.pop();              // blocks until a producer pushes
/// const auto used = streamlab::thread_cpu_time() - before;
/// \endcode
inline std::chrono::nanoseconds thread_cpu_time() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

}  // namespace streamlab
