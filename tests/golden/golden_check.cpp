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

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
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

/// One expected line: either plain text, or text with `{{regex}}` holes compiled into one regex.
class LineMatcher {
 public:
  explicit LineMatcher(const std::string& line) : text_(line) {
    if (line.find("{{") == std::string::npos) return;
    std::string pattern;
    std::size_t pos = 0;
    while (pos < line.size()) {
      const std::size_t open = line.find("{{", pos);
      std::size_t close = open == std::string::npos ? std::string::npos : line.find("}}", open + 2);
      // A pattern may end in a brace of its own, as in {{[0-9]{2}}}: the hole ends at the last "}}".
      while (close != std::string::npos && close + 2 < line.size() && line[close + 2] == '}') ++close;
      if (close == std::string::npos) {
        pattern += escape(line.substr(pos));
        break;
      }
      pattern += escape(line.substr(pos, open - pos));
      pattern += "(?:" + line.substr(open + 2, close - open - 2) + ")";
      pos = close + 2;
    }
    regex_ = std::regex(pattern);
  }

  bool matches(const std::string& printed) const {
    return regex_ ? std::regex_match(printed, *regex_) : printed == text_;
  }
  const std::string& text() const { return text_; }

 private:
  static std::string escape(const std::string& literal) {
    static const std::string special = R"(\^$.|?*+()[]{}/)";
    std::string escaped;
    for (char c : literal) {
      if (special.find(c) != std::string::npos) escaped += '\\';
      escaped += c;
    }
    return escaped;
  }
  std::string text_;
  std::optional<std::regex> regex_;
};

/// One step of an alignment: a line in both (matched), only expected (removed) or only printed (added).
struct Step {
  enum Kind { same, removed, added } kind;
  std::size_t expected_index;
  std::size_t received_index;
};

/// Aligns the two files by their longest common subsequence, where "common" means the expected
/// line matches the printed one. Golden files are small, so the quadratic table is fine.
std::vector<Step> align(const std::vector<LineMatcher>& expected, const std::vector<std::string>& received) {
  const std::size_t n = expected.size();
  const std::size_t m = received.size();
  std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = expected[i].matches(received[j]) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Step> steps;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i].matches(received[j])) {
      steps.push_back({Step::same, i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      steps.push_back({Step::removed, i++, j});  // removals first, as diff -u shows them
    } else {
      steps.push_back({Step::added, i, j++});
    }
  }
  return steps;
}

/// Prints the alignment as a unified diff with three lines of context.
void print_unified_diff(const std::vector<Step>& steps, const std::vector<LineMatcher>& expected,
                        const std::vector<std::string>& received, const Options& options) {
  constexpr std::size_t context = 3;
  fmt::print("--- {}\n+++ {}\n", options.expected_path,
             options.received_path.empty() ? "(printed)" : options.received_path);
  std::size_t k = 0;
  while (k < steps.size()) {
    if (steps[k].kind == Step::same) {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is no more than 2 * context lines from the previous one.
    std::size_t begin = k >= context ? k - context : 0;
    while (begin < k && steps[begin].kind != Step::same) ++begin;
    std::size_t end = k;
    std::size_t same_run = 0;
    for (std::size_t s = k; s < steps.size(); ++s) {
      if (steps[s].kind == Step::same) {
        if (++same_run > 2 * context) break;
      } else {
        same_run = 0;
        end = s + 1;
      }
    }
    end = std::min(steps.size(), end + context);
    std::size_t expected_count = 0;
    std::size_t received_count = 0;
    for (std::size_t s = begin; s < end; ++s) {
      expected_count += steps[s].kind != Step::added;
      received_count += steps[s].kind != Step::removed;
    }
    fmt::print("@@ -{},{} +{},{} @@\n", steps[begin].expected_index + 1, expected_count,
               steps[begin].received_index + 1, received_count);
    for (std::size_t s = begin; s < end; ++s) {
      const Step& step = steps[s];
      if (step.kind == Step::same) fmt::print(" {}\n", received[step.received_index]);
      if (step.kind == Step::removed) fmt::print("-{}\n", expected[step.expected_index].text());
      if (step.kind == Step::added) fmt::print("+{}\n", received[step.received_index]);
    }
    k = end;
  }
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
    const bool identical = std::all_of(steps.begin(), steps.end(), [](const Step& s) { return s.kind == Step::same; });

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
      fmt::print("{} {}\n", identical ? "unchanged:" : "updated:  ", options->expected_path);
      return 0;
    }

    if (identical) return 0;
    if (!options->received_path.empty()) write_file(options->received_path, result.output);
    fmt::print("golden_check: output differs from {}\n", options->expected_path);
    print_unified_diff(steps, expected, received, *options);
    fmt::print("To accept the new output after reviewing it: scripts/update-golden\n");
    return 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "golden_check: {}\n", error.what());
    return 2;
  }
}
