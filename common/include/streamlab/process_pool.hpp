// ProcessPool: worker processes fed records over pipes, so a record that crashes its worker cannot crash you.
#pragma once

#include "streamlab/generator.hpp"
#include "streamlab/resequencer.hpp"

#include <sys/types.h>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamlab {

/// What a process pool made of one record.
struct ProcessResult {
  std::size_t index = 0;  ///< position of the record in the input (0-based)
  bool ok = false;        ///< true when the worker answered normally
  std::string output;     ///< the worker's answer, when `ok`
  std::string error;      ///< why it failed, e.g. `worker died (killed by SIGABRT)`, when not `ok`
};

/// What a ProcessPool allows a worker before it gives up on it: a worker is a separate program, and
/// the pool does not trust it to answer, or to answer in a line of sensible length.
struct ProcessPoolLimits {
  /// The longest reply line accepted, in bytes (its newline not counted). A worker that writes more
  /// without ending the line is reported failed for that record, killed and replaced: the pool holds
  /// at most this much (and one read, 64 KiB) of a worker's reply, however much it writes.
  std::size_t max_reply_bytes = std::size_t{4} << 20;  // 4 MiB
  /// How long a worker may take to answer one record, from the moment the record is sent. One that
  /// takes longer is reported failed for that record, killed and replaced. Zero: wait for ever.
  std::chrono::milliseconds reply_timeout{60'000};
};

/// A fixed set of worker processes, each started from `command` (fork/exec through `posix_spawn`)
/// and fed one record at a time over a pipe. Threads share one address space, so one bad record
/// that crashes a thread takes the whole program down; a worker process is isolated: when it dies
/// on a record, the pool notices (end of file on its pipe), reaps it, reports that record as
/// failed with the cause, starts a replacement, and the stream goes on.
///
/// Protocol (text, one line each way): the pool writes the record and `\n` to the worker's stdin;
/// the worker answers `ok <output>` or `error <message>` on one line of its stdout. A worker
/// program gets this for free with `serve_process_worker`. Records must not contain `\n` (such a
/// record is reported as failed, not sent). The worker's stderr is the pool's stderr. A worker
/// that answers off-protocol is reported for that record, then killed and replaced.
///
/// - A worker is not trusted (ProcessPoolLimits): a reply longer than `max_reply_bytes` (a worker
///   writing without a newline) or no reply within `reply_timeout` (a worker stuck in a loop) is a
///   failure of that record naming the worker's process id; the worker is killed, reaped and
///   replaced, and the stream goes on. Each byte a worker writes is looked at once.
/// - Ctrl-C: in a program that called install_interrupt_flag(), a wait for the workers notices the
///   signal within 100 ms and map() throws streamlab::Interrupted (the busy workers are killed and
///   replaced as the generator is destroyed), even while a worker takes its time.
/// - The pool never dies of SIGPIPE: writes block SIGPIPE in the writing thread and handle EPIPE.
/// - Every child is reaped (no zombies). The destructor closes the pipes (a worker sees end of
///   input and exits), waits at most one second for each, then kills it: it never hangs.
/// - One `map` at a time per pool, used from one thread. The pool must outlive its generators.
///
/// **Example**
/// \code
/// // in the worker program (or the same program re-executed with --worker):
/// return streamlab::serve_process_worker([](std::string_view record) { return parse(record); });
/// // in the parent:
/// streamlab::ProcessPool pool{{"/proc/self/exe", "--worker"}, 2};
/// for (const streamlab::ProcessResult& r : pool.map(records)) {
///   if (r.ok) save(r.output); else fmt::print("record {} failed: {}\n", r.index, r.error);
/// }
/// \endcode
class ProcessPool {
 public:
  /// Starts `workers` processes running `command` (`command[0]` is the program's path), held to
  /// `limits`. Throws std::system_error if a process cannot be started, std::invalid_argument on
  /// an empty command, zero workers or a `max_reply_bytes` of 0.
  ProcessPool(std::vector<std::string> command, std::size_t workers, ProcessPoolLimits limits = {});
  /// Closes every worker's input, waits up to a second for each to exit, kills the rest; reaps all.
  ~ProcessPool();
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  /// The number of worker processes.
  std::size_t size() const noexcept { return workers_.size(); }
  /// How many workers died (or were killed for a reply too long or too late) and were replaced so far.
  std::size_t workers_replaced() const noexcept { return replaced_; }
  /// What the pool allows a worker.
  const ProcessPoolLimits& limits() const noexcept { return limits_; }

  /// Sends every record of `records` (strings or anything convertible to `std::string_view`) to
  /// the workers and yields one `ProcessResult` per record, **in input order**. At most two
  /// records per worker are started but not yet consumed. Breaking out early kills the workers
  /// that were busy (their answers are no longer wanted) and replaces them.
  template <std::ranges::input_range Range>
  Generator<ProcessResult> map(Range records);

 private:
  struct Worker {
    pid_t pid = -1;
    int to_worker = -1;                              // its stdin
    int from_worker = -1;                            // its stdout
    std::string pending;                             // bytes read that do not yet make a whole line
    std::size_t scanned = 0;                         // how much of `pending` is known to hold no newline
    std::optional<std::size_t> record;               // the record it is working on, if any
    std::chrono::steady_clock::time_point deadline;  // when its answer is due (max: no limit)
  };

  // Guard for one map(): marks the pool busy; on exit kills and replaces still-busy workers.
  struct MapScope {
    explicit MapScope(ProcessPool& p);
    ~MapScope();
    ProcessPool& pool;
  };

  bool has_idle_worker() const noexcept;
  // Sends record `index` to an idle worker; returns a result at once if it could not be sent.
  std::optional<ProcessResult> start(std::size_t index, std::string_view record);
  // Blocks until a busy worker answers, dies or runs out of time; returns that record's result.
  ProcessResult wait_one();
  // Reads what `worker` wrote; a result once it has answered (or broken a limit, or died).
  std::optional<ProcessResult> read_reply(Worker& worker);
  // Kills a worker that broke the protocol or a limit, replaces it: its record failed with `why`.
  ProcessResult give_up_on(Worker& worker, std::string why);
  void spawn(Worker& worker);
  void retire(Worker& worker, bool kill_first);  // closes its pipes and reaps it
  std::string replace(Worker& worker);           // reaps a dead worker, starts another, returns the cause

  std::vector<std::string> command_;
  ProcessPoolLimits limits_;
  std::vector<Worker> workers_;
  std::size_t replaced_ = 0;
  bool mapping_ = false;
};

/// The worker side of the protocol: reads records (one per line) from stdin until end of input,
/// answers `ok <handle(record)>` or, if `handle` throws, `error <what()>`, one line each, flushed.
/// Newlines in an answer are replaced by spaces. Answers go to a private copy of stdout, and
/// stdout itself is pointed at stderr, so stray prints in `handle` cannot corrupt the protocol.
/// Returns the exit status for `main` (0 at end of input).
int serve_process_worker(const std::function<std::string(std::string_view)>& handle);

template <std::ranges::input_range Range>
Generator<ProcessResult> ProcessPool::map(Range records) {
  MapScope scope{*this};
  const std::size_t limit = 2 * size();
  Resequencer<ProcessResult> ready{limit};  // finished, waiting for their turn
  std::size_t started = 0;
  auto next = std::ranges::begin(records);
  const auto last = std::ranges::end(records);
  for (;;) {
    while (next != last && has_idle_worker() && started - ready.next() < limit) {
      auto&& record = *next;  // a temporary (from a transform view, say) lives to the end of the statement block
      if (auto failed = start(started, std::string_view{record})) ready.put(started, std::move(*failed));
      ++started;
      ++next;
    }
    if (ready.next() == started) break;
    while (!ready.ready()) {
      ProcessResult result = wait_one();
      ready.put(result.index, std::move(result));
    }
    co_yield std::move(*ready.pop());
  }
}

}  // namespace streamlab
