#include "streamlab/process_pool.hpp"

#include "streamlab/interrupt.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

extern char** environ;

namespace streamlab {

namespace {

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// A pipe whose two ends are close-on-exec (so no other child inherits them) and above 2 (so that
// dup2 onto 0 or 1 in the child always makes a fresh, inheritable descriptor).
void make_pipe(int ends[2]) {
  if (::pipe2(ends, O_CLOEXEC) != 0) throw_errno("ProcessPool: pipe2");
  for (int i = 0; i < 2; ++i) {
    if (ends[i] <= 2) {
      const int moved = ::fcntl(ends[i], F_DUPFD_CLOEXEC, 3);
      ::close(ends[i]);
      ends[i] = moved;
      if (moved < 0) throw_errno("ProcessPool: fcntl");
    }
  }
}

// Writes all of `data`, or returns false if the reader has gone (EPIPE). SIGPIPE is blocked in
// this thread around the write, and a SIGPIPE it raised is consumed before unblocking, so the
// process is never killed by a worker that died; other threads' signal handling is untouched.
bool write_all(int fd, std::string_view data) {
  sigset_t pipe_only;
  sigset_t previous;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  sigset_t pending;
  sigpending(&pending);
  const bool already_pending = sigismember(&pending, SIGPIPE) == 1;

  bool ok = true;
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;  // EPIPE: the worker is gone; anything else: treat it the same way
      break;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (!ok && !already_pending) {
    const timespec no_wait{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return ok;
}

// Waits for `pid` to end, at most `grace_ms`, then kills it; always reaps it. Returns its status.
int reap(pid_t pid, int grace_ms) {
  int status = 0;
  // pidfd_open (Linux 5.3) lets poll() wait for the exit with a timeout, without busy waiting.
  const long pidfd = ::syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0) {
    pollfd exited{static_cast<int>(pidfd), POLLIN, 0};
    int ready = 0;
    while ((ready = ::poll(&exited, 1, grace_ms)) < 0 && errno == EINTR) {
    }
    ::close(static_cast<int>(pidfd));
    if (ready == 0) ::kill(pid, SIGKILL);
  } else {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    ::kill(pid, SIGKILL);  // no pidfd: do not risk waiting forever
  }
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = sigabbrev_np(signal);
    return name != nullptr ? fmt::format("killed by SIG{}", name) : fmt::format("killed by signal {}", signal);
  }
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  return "ended";
}

}  // namespace

ProcessPool::MapScope::MapScope(ProcessPool& p) : pool(p) {
  if (pool.mapping_) throw std::logic_error("ProcessPool::map: another map of this pool is still running");
  pool.mapping_ = true;
}

ProcessPool::MapScope::~MapScope() {
  // Records still out when the consumer stopped early: their answers are no longer wanted, and
  // would be mistaken for answers to the next map's records. Kill those workers and replace them.
  for (auto& worker : pool.workers_) {
    if (!worker.record) continue;
    pool.retire(worker, true);
    try {
      pool.spawn(worker);
    } catch (...) {
      // Cannot start a replacement in a destructor's context: the slot stays empty and start()
      // tries again when it is next needed.
    }
  }
  pool.mapping_ = false;
}

ProcessPool::ProcessPool(std::vector<std::string> command, std::size_t workers, ProcessPoolLimits limits)
    : command_(std::move(command)), limits_(limits) {
  if (command_.empty()) throw std::invalid_argument("ProcessPool: empty command");
  if (workers == 0) throw std::invalid_argument("ProcessPool: needs at least one worker");
  if (limits_.max_reply_bytes == 0) throw std::invalid_argument("ProcessPool: max_reply_bytes must be at least 1");
  workers_.resize(workers);
  try {
    for (auto& worker : workers_) spawn(worker);
  } catch (...) {
    for (auto& worker : workers_) retire(worker, true);
    throw;
  }
}

ProcessPool::~ProcessPool() {
  // End of input tells every worker to exit; close all first so they wind down in parallel.
  for (auto& worker : workers_) close_fd(worker.to_worker);
  for (auto& worker : workers_) retire(worker, false);
}

void ProcessPool::spawn(Worker& worker) {
  int to_child[2];
  int from_child[2];
  make_pipe(to_child);
  try {
    make_pipe(from_child);
  } catch (...) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw;
  }

  std::vector<char*> argv;
  for (auto& arg : command_) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  // The child starts with default SIGPIPE handling and nothing blocked, whatever this thread had.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigset_t pipe_only;
  sigemptyset(&none);
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &pipe_only);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(to_child[0]);  // the child's ends: only the child holds them now
  ::close(from_child[1]);
  if (error != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    throw std::system_error(error, std::generic_category(), "ProcessPool: cannot start " + command_.front());
  }
  worker.pid = pid;
  worker.to_worker = to_child[1];
  worker.from_worker = from_child[0];
  worker.pending.clear();
  worker.scanned = 0;
  worker.record.reset();
}

void ProcessPool::retire(Worker& worker, bool kill_first) {
  close_fd(worker.to_worker);
  close_fd(worker.from_worker);
  if (worker.pid > 0) {
    if (kill_first) ::kill(worker.pid, SIGKILL);
    reap(worker.pid, 1000);
  }
  worker.pid = -1;
  worker.pending.clear();
  worker.scanned = 0;
  worker.record.reset();
}

std::string ProcessPool::replace(Worker& worker) {
  close_fd(worker.to_worker);
  close_fd(worker.from_worker);
  const int status = reap(worker.pid, 1000);
  worker.pid = -1;
  worker.record.reset();
  ++replaced_;
  spawn(worker);
  return fmt::format("worker died ({})", describe_exit(status));
}

bool ProcessPool::has_idle_worker() const noexcept {
  return std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return !w.record; });
}

std::optional<ProcessResult> ProcessPool::start(std::size_t index, std::string_view record) {
  if (record.find('\n') != std::string_view::npos) return ProcessResult{index, false, {}, "record contains a newline"};
  auto idle = std::find_if(workers_.begin(), workers_.end(), [](const Worker& w) { return !w.record; });
  if (idle == workers_.end()) throw std::logic_error("ProcessPool::start: no idle worker");
  if (idle->pid < 0) spawn(*idle);  // a slot left empty earlier

  std::string line{record};
  line += '\n';
  // A worker that died while idle is found here (EPIPE): replace it and send the record to the
  // new one. The record itself cannot have caused that death, so it deserves its chance.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (write_all(idle->to_worker, line)) {
      idle->record = index;
      idle->deadline = limits_.reply_timeout.count() > 0 ? std::chrono::steady_clock::now() + limits_.reply_timeout
                                                         : std::chrono::steady_clock::time_point::max();
      return std::nullopt;
    }
    std::string cause = replace(*idle);
    if (attempt == 1) return ProcessResult{index, false, {}, std::move(cause)};
  }
  return std::nullopt;  // not reached
}

ProcessResult ProcessPool::wait_one() {
  using Clock = std::chrono::steady_clock;
  // The longest a poll waits: how soon a Ctrl-C (streamlab::interrupted()) is noticed.
  constexpr std::chrono::milliseconds interrupt_check{100};
  std::vector<pollfd> watched;
  std::vector<Worker*> owners;
  for (;;) {
    throw_if_interrupted();
    watched.clear();
    owners.clear();
    Clock::time_point soonest = Clock::time_point::max();
    for (auto& worker : workers_) {
      if (!worker.record) continue;
      watched.push_back({worker.from_worker, POLLIN, 0});
      owners.push_back(&worker);
      soonest = std::min(soonest, worker.deadline);
    }
    if (watched.empty()) throw std::logic_error("ProcessPool::wait_one: no record in flight");
    const Clock::time_point now = Clock::now();
    auto wait = interrupt_check;
    if (soonest - now < wait)
      wait = std::chrono::ceil<std::chrono::milliseconds>(std::max(soonest - now, Clock::duration{}));
    if (::poll(watched.data(), watched.size(), static_cast<int>(wait.count())) < 0) {
      if (errno == EINTR) continue;
      throw_errno("ProcessPool: poll");
    }
    for (std::size_t i = 0; i < watched.size(); ++i) {
      if (watched[i].revents == 0) continue;
      if (auto result = read_reply(*owners[i])) return std::move(*result);
    }
    // A worker that has not answered in time (and had nothing to say just now) is given up on.
    const Clock::time_point after = Clock::now();
    for (std::size_t i = 0; i < watched.size(); ++i) {
      Worker& worker = *owners[i];
      if (watched[i].revents != 0 || !worker.record || worker.deadline > after) continue;
      return give_up_on(worker, fmt::format("no reply from worker {} within {} ms: killed", worker.pid,
                                            limits_.reply_timeout.count()));
    }
  }
}

std::optional<ProcessResult> ProcessPool::read_reply(Worker& worker) {
  char buffer[65536];  // a pipe's capacity: a long reply in few reads
  const ssize_t n = ::read(worker.from_worker, buffer, sizeof buffer);
  if (n < 0 && errno == EINTR) return std::nullopt;
  if (n <= 0) {
    // End of file (or a read error) while busy: the worker died on this record.
    const std::size_t index = *worker.record;
    std::string cause = replace(worker);
    return ProcessResult{index, false, {}, std::move(cause)};
  }
  worker.pending.append(buffer, static_cast<std::size_t>(n));
  // Only the bytes not looked at yet: a long reply costs its length, not its length squared.
  const auto end_of_line = worker.pending.find('\n', worker.scanned);
  const std::size_t line_length = end_of_line == std::string::npos ? worker.pending.size() : end_of_line;
  if (line_length > limits_.max_reply_bytes) {
    return give_up_on(worker, fmt::format("reply from worker {} longer than {} bytes (max_reply_bytes): killed",
                                          worker.pid, limits_.max_reply_bytes));
  }
  if (end_of_line == std::string::npos) {
    worker.scanned = worker.pending.size();
    return std::nullopt;
  }
  std::string reply;
  if (end_of_line + 1 == worker.pending.size()) {  // the usual case, the line and nothing more: no copy
    reply = std::move(worker.pending);
    reply.pop_back();
    worker.pending.clear();
  } else {
    reply = worker.pending.substr(0, end_of_line);
    worker.pending.erase(0, end_of_line + 1);
  }
  worker.scanned = 0;
  const std::size_t index = *std::exchange(worker.record, std::nullopt);
  if (reply.starts_with("ok ")) return ProcessResult{index, true, std::move(reply.erase(0, 3)), {}};
  if (reply.starts_with("error ")) return ProcessResult{index, false, {}, std::move(reply.erase(0, 6))};
  // Off-protocol: this worker's answers can no longer be matched to records. Replace it.
  worker.record = index;
  constexpr std::size_t shown = 200;  // of a long line, enough to recognise it
  if (reply.size() > shown) reply = fmt::format("{}... ({} bytes)", reply.substr(0, shown), reply.size());
  return give_up_on(worker, "bad reply from worker: " + reply);
}

ProcessResult ProcessPool::give_up_on(Worker& worker, std::string why) {
  const std::size_t index = *worker.record;
  ::kill(worker.pid, SIGKILL);
  replace(worker);
  return ProcessResult{index, false, {}, std::move(why)};
}

int serve_process_worker(const std::function<std::string(std::string_view)>& handle) {
  // The answers get a private copy of stdout; stdout itself then points at stderr, so that a stray
  // print in `handle` (a debugging printf, a library's message) cannot corrupt the protocol.
  std::fflush(stdout);
  const int protocol_fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (protocol_fd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return 1;
  std::FILE* answers = ::fdopen(protocol_fd, "w");
  if (answers == nullptr) return 1;

  char* line = nullptr;
  std::size_t capacity = 0;
  ssize_t length = 0;
  while ((length = ::getline(&line, &capacity, stdin)) >= 0) {
    std::string_view record{line, static_cast<std::size_t>(length)};
    if (record.ends_with('\n')) record.remove_suffix(1);
    std::string reply;
    try {
      reply = "ok " + handle(record);
    } catch (const std::exception& error) {
      reply = std::string("error ") + error.what();
    } catch (...) {
      reply = "error unknown exception";
    }
    std::replace(reply.begin(), reply.end(), '\n', ' ');
    reply += '\n';
    std::fflush(stdout);  // stray output first, so that it is not lost if the next record crashes
    if (std::fwrite(reply.data(), 1, reply.size(), answers) != reply.size() || std::fflush(answers) != 0) break;
  }
  std::free(line);
  std::fclose(answers);
  return 0;
}

}  // namespace streamlab
