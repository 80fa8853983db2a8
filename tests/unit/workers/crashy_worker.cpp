// A ProcessPool worker for test_process_pool: answers each record with it in upper case, and
// misbehaves on purpose on a few records: "crash" aborts, "throw" throws, "exit" exits,
// "hang" sleeps forever (and ignores the end of its input), "garbage" answers off-protocol (and then once more, ignored).
#include "streamlab/process_pool.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

int main() {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // it crashes on purpose: leave no core files behind
  return streamlab::serve_process_worker([](std::string_view record) -> std::string {
    if (record == "crash") std::abort();
    if (record == "throw") throw std::runtime_error("cannot handle 'throw'");
    if (record == "exit") std::_Exit(3);
    if (record == "hang") {
      for (;;) pause();
    }
    if (record == "garbage") {
      std::fputs("???\n", stdout);  // an answer outside the protocol, then carry on
      std::fflush(stdout);
      return "unused";  // never read: the pool has already taken "???" as this record's answer
    }
    if (record == "pid") return std::to_string(getpid());
    std::string upper{record};
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  });
}
