// golden_check: runs a lesson and compares what it prints with its golden file, line by line.
//
//   golden_check --expected FILE --received FILE [--update] -- COMMAND [ARGS...]
//
// Every expected line must match the printed line exactly, except that `{{regex}}` inside an
// expected line matches a measured value (a time, a rate, a memory size). On a mismatch the
// printed output is written to the --received file and a unified diff is shown; the exit status
// is 1. With --update the golden file is rewritten from the output instead, keeping each pattern
// line whose pattern still matches (scripts/update-golden uses this). Status 2: bad usage, or the
// command could not be started.
#include "golden_match.hpp"

#include <fmt/core.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace streamlab::golden;

struct Options {
  std::string expected_path;
  std::string received_path;
  bool update = false;
  std::vector<std::string> command;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--update") {
      options.update = true;
    } else if ((arg == "--expected" || arg == "--received") && i + 1 < argc) {
      (arg == "--expected" ? options.expected_path : options.received_path) = argv[++i];
    } else {
      return std::nullopt;
    }
  }
  for (; i < argc; ++i) options.command.emplace_back(argv[i]);
  if (options.expected_path.empty() || options.command.empty()) return std::nullopt;
  return options;
}

struct RunResult {
  std::string output;
  int exit_status = 0;  // the exit code, or 128 + signal number when killed by a signal
};

/// Runs the command with stdin from /dev/null, collecting its stdout; stderr passes through.
RunResult run(const std::vector<std::string>& command) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::freopen("/dev/null", "r", stdin);
    std::vector<char*> args;
    for (const auto& arg : command) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    fmt::print(stderr, "golden_check: cannot run {}: {}\n", command[0], std::strerror(errno));
    _exit(127);
  }
  close(pipe_fds[1]);
  RunResult result;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) {
    fmt::print(stderr, "usage: golden_check --expected FILE [--received FILE] [--update] -- COMMAND [ARGS...]\n");
    return 2;
  }
  try {
    std::vector<LineMatcher> expected;
    {
      std::ifstream in(options->expected_path, std::ios::binary);
      if (!in && !options->update) {
        fmt::print(stderr, "golden_check: cannot read {}\n", options->expected_path);
        return 1;
      }
      const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      for (const auto& line : split_lines(text)) expected.emplace_back(line);
    }

    const RunResult result = run(options->command);
    const std::vector<std::string> received = split_lines(result.output);
    if (result.exit_status != 0) {
      fmt::print(stderr, "golden_check: {} exited with status {}\n", options->command[0], result.exit_status);
      if (!options->received_path.empty()) write_file(options->received_path, result.output);
      return 1;
    }

    const auto steps = align(expected, received);
    const bool same = identical(steps);

    if (options->update) {
      // Keep the expected line (it may hold a pattern) wherever it still matches; take the
      // printed line everywhere else.
      std::string merged;
      for (const Step& step : steps) {
        if (step.kind == Step::same) merged += expected[step.expected_index].text() + '\n';
        if (step.kind == Step::added) merged += received[step.received_index] + '\n';
      }
      if (!write_file(options->expected_path, merged)) {
        fmt::print(stderr, "golden_check: cannot write {}\n", options->expected_path);
        return 2;
      }
      fmt::print("{} {}\n", same ? "unchanged:" : "updated:  ", options->expected_path);
      return 0;
    }

    if (same) return 0;
    if (!options->received_path.empty()) write_file(options->received_path, result.output);
    fmt::print("golden_check: output differs from {}\n", options->expected_path);
    print_unified_diff(steps, expected, received, options->expected_path,
                       options->received_path.empty() ? "(printed)" : options->received_path);
    fmt::print("To accept the new output after reviewing it: scripts/update-golden\n");
    return 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "golden_check: {}\n", error.what());
    return 2;
  }
}
