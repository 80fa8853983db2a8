// child_rss: runs a command and writes its peak resident set size, in KiB, to a file.
//
//   child_rss RSS_FILE COMMAND [ARGS...]
//
// The experiment tests use it to check memory claims ("the memory stays the same") on the real
// lesson: getrusage(RUSAGE_CHILDREN) after the child ends gives its maximum RSS. Standard streams
// pass through; SIGINT and SIGTERM are forwarded to the child. The exit status is the child's (or
// 128 + signal number when a signal ended it); 127 when the command could not be started.
#include <fmt/core.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace {

volatile sig_atomic_t child_pid = 0;

void forward(int signal_number) {
  if (child_pid > 0) kill(child_pid, signal_number);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: child_rss RSS_FILE COMMAND [ARGS...]\n");
    return 2;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    fmt::print(stderr, "child_rss: fork: {}\n", std::strerror(errno));
    return 127;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fmt::print(stderr, "child_rss: cannot run {}: {}\n", argv[2], std::strerror(errno));
    _exit(127);
  }
  child_pid = pid;
  struct sigaction action {};
  action.sa_handler = forward;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  if (std::FILE* file = std::fopen(argv[1], "w")) {
    fmt::print(file, "{}\n", usage.ru_maxrss);
    std::fclose(file);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
