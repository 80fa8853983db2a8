// A ProcessPool worker for test_process_pool: answers each record with it in upper case, and
// misbehaves on purpose on a few records: "crash" aborts, "throw" throws, "exit" exits, "hang"
// sleeps forever (and ignores the end of its input), "noise" prints to stdout, "pid" answers its
// process id. With --raw it answers every record off-protocol. With --flood BYTES it answers every
// record with "ok " and BYTES x's, then a newline; with --flood 0 it never ends the line (it writes
// until it is killed).
#include "streamlab/process_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

int main(int argc, char** argv) {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // it crashes on purpose: leave no core files behind
  if (argc > 1 && std::string_view{argv[1]} == "--raw") {
    // Off-protocol: answers every record with "???" (no "ok " or "error " in front).
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, stdin) != nullptr) {
      std::fputs("???\n", stdout);
      std::fflush(stdout);
    }
    return 0;
  }
  if (argc > 2 && std::string_view{argv[1]} == "--flood") {
    const unsigned long long bytes = std::strtoull(argv[2], nullptr, 10);
    static char xs[65536];
    std::memset(xs, 'x', sizeof xs);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, stdin) != nullptr) {
      std::fputs("ok ", stdout);
      for (unsigned long long left = bytes; bytes == 0 || left > 0;) {
        const std::size_t chunk = bytes == 0 || left > sizeof xs ? sizeof xs : static_cast<std::size_t>(left);
        if (std::fwrite(xs, 1, chunk, stdout) != chunk) return 1;  // the pool has gone
        left -= chunk;
      }
      std::fputs("\n", stdout);
      std::fflush(stdout);
    }
    return 0;
  }
  return streamlab::serve_process_worker([](std::string_view record) -> std::string {
    if (record == "crash") std::abort();
    if (record == "throw") throw std::runtime_error("cannot handle 'throw'");
    if (record == "exit") std::_Exit(3);
    if (record == "hang") {
      for (;;) pause();
    }
    if (record == "noise") std::puts("a stray line on stdout, which must not reach the pool");
    if (record == "pid") return std::to_string(getpid());
    std::string upper{record};
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  });
}
