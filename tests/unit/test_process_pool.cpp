#include "streamlab/interrupt.hpp"
#include "streamlab/process_pool.hpp"

#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <ranges>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using streamlab::ProcessPool;
using streamlab::ProcessResult;

#ifndef STREAMLAB_CRASHY_WORKER
#error "tests/CMakeLists.txt passes the crashy_worker path as STREAMLAB_CRASHY_WORKER"
#endif

namespace {

std::vector<std::string> worker_command() { return {STREAMLAB_CRASHY_WORKER}; }

std::vector<ProcessResult> run_all(ProcessPool& pool, const std::vector<std::string>& records) {
  std::vector<ProcessResult> results;
  for (auto& result : pool.map(std::views::all(records))) results.push_back(result);
  return results;
}

// True when this process has no child left, reaped or not (no zombies).
bool no_children_left() { return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

}  // namespace

TEST_CASE("a process pool answers every record, in input order") {
  std::vector<std::string> records;
  for (int i = 0; i < 40; ++i) records.push_back("record-" + std::to_string(i));
  ProcessPool pool{worker_command(), 3};
  CHECK(pool.size() == 3);
  const auto results = run_all(pool, records);
  REQUIRE(results.size() == 40);
  for (std::size_t i = 0; i < 40; ++i) {
    CHECK(results[i].index == i);
    CHECK(results[i].ok);
    CHECK(results[i].output == "RECORD-" + std::to_string(i));
  }
  CHECK(pool.workers_replaced() == 0);
}

TEST_CASE("a record that crashes its worker is reported failed, the worker replaced, and the stream goes on") {
  ProcessPool pool{worker_command(), 2};
  const auto results = run_all(pool, {"a", "b", "crash", "c", "d", "e"});
  REQUIRE(results.size() == 6);
  CHECK_FALSE(results[2].ok);
  CHECK(results[2].index == 2);
  CHECK(results[2].error == "worker died (killed by SIGABRT)");
  for (std::size_t i : {0u, 1u, 3u, 4u, 5u}) {
    CAPTURE(i);
    CHECK(results[i].ok);
  }
  CHECK(results[5].output == "E");
  CHECK(pool.workers_replaced() == 1);
}

TEST_CASE("crash after crash on a single worker: each one replaced") {
  ProcessPool pool{worker_command(), 1};
  const auto results = run_all(pool, {"crash", "crash", "x", "crash", "y"});
  REQUIRE(results.size() == 5);
  CHECK_FALSE(results[0].ok);
  CHECK_FALSE(results[1].ok);
  CHECK(results[2].output == "X");
  CHECK_FALSE(results[3].ok);
  CHECK(results[4].output == "Y");
  CHECK(pool.workers_replaced() == 3);
}

TEST_CASE("a worker that exits is reported with its exit status") {
  ProcessPool pool{worker_command(), 1};
  const auto results = run_all(pool, {"exit", "ok"});
  CHECK(results[0].error == "worker died (exited with status 3)");
  CHECK(results[1].output == "OK");
}

TEST_CASE("an exception in the worker is an error answer, not a death") {
  ProcessPool pool{worker_command(), 1};
  const auto results = run_all(pool, {"throw", "fine"});
  CHECK_FALSE(results[0].ok);
  CHECK(results[0].error == "cannot handle 'throw'");
  CHECK(results[1].output == "FINE");
  CHECK(pool.workers_replaced() == 0);
}

TEST_CASE("a record with a newline is reported failed and never sent") {
  ProcessPool pool{worker_command(), 1};
  const auto results = run_all(pool, {"one\ntwo", "three"});
  CHECK(results[0].error == "record contains a newline");
  CHECK(results[1].output == "THREE");
}

TEST_CASE("an off-protocol answer is a failure, and that worker is replaced") {
  ProcessPool pool{{STREAMLAB_CRASHY_WORKER, "--raw"}, 1};
  const auto results = run_all(pool, {"a", "b"});
  REQUIRE(results.size() == 2);
  CHECK(results[0].error == "bad reply from worker: ???");
  CHECK(results[1].error == "bad reply from worker: ???");
  CHECK(pool.workers_replaced() == 2);
}

TEST_CASE("a stray print on the worker's stdout does not corrupt the answers") {
  ProcessPool pool{worker_command(), 1};
  const auto results = run_all(pool, {"noise", "after"});
  REQUIRE(results.size() == 2);
  CHECK(results[0].output == "NOISE");
  CHECK(results[1].output == "AFTER");
}

TEST_CASE("a worker that died while idle is replaced, and the record sent to it is not lost") {
  // The consumer kills the only worker between two records and waits (on a pidfd: no sleep, and
  // the pool still reaps it) until it is dead. Writing the next record then fails with EPIPE; no
  // SIGPIPE kills the test, and the record goes to a fresh worker.
  ProcessPool pool{worker_command(), 1};
  auto records = []() -> streamlab::Generator<std::string> {
    co_yield std::string("pid");
    co_yield std::string("after");
  };
  std::vector<ProcessResult> results;
  for (auto& result : pool.map(records())) {
    if (result.index == 0) {
      const pid_t pid = std::stoi(result.output);
      const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
      REQUIRE(pidfd >= 0);
      REQUIRE(::kill(pid, SIGKILL) == 0);
      pollfd exited{pidfd, POLLIN, 0};
      REQUIRE(::poll(&exited, 1, -1) == 1);
      ::close(pidfd);
    }
    results.push_back(result);
  }
  REQUIRE(results.size() == 2);
  CHECK(results[1].ok);
  CHECK(results[1].output == "AFTER");
  CHECK(pool.workers_replaced() == 1);
}

TEST_CASE("breaking out early kills the busy workers, and the next map gets only its own answers") {
  ProcessPool pool{worker_command(), 2};
  const std::vector<std::string> first{"a", "hang", "b", "c"};
  {
    auto results = pool.map(std::views::all(first));
    auto it = results.begin();
    CHECK(it->output == "A");  // "hang" is now in flight on the other worker, forever
  }                            // destroyed here: the hung worker is killed and replaced, without waiting for it
  const auto second = run_all(pool, {"x", "y", "z"});
  REQUIRE(second.size() == 3);
  CHECK(second[0].output == "X");
  CHECK(second[1].output == "Y");
  CHECK(second[2].output == "Z");
}

TEST_CASE("every worker is reaped: no child is left after the pool is gone") {
  {
    ProcessPool pool{worker_command(), 3};
    run_all(pool, {"crash", "a", "exit", "b"});
  }
  CHECK(no_children_left());
}

TEST_CASE("workers are distinct processes") {
  ProcessPool pool{worker_command(), 2};
  std::vector<std::string> records(20, "pid");
  std::set<std::string> pids;
  for (auto& r : run_all(pool, records)) pids.insert(r.output);
  CHECK(pids.size() >= 1);
  CHECK(pids.size() <= 2);
}

TEST_CASE("an empty input yields nothing") {
  ProcessPool pool{worker_command(), 2};
  CHECK(run_all(pool, {}).empty());
}

TEST_CASE("a missing program, an empty command or zero workers are rejected") {
  CHECK_THROWS_AS(ProcessPool({"/nonexistent/streamlab-worker"}, 1), std::system_error);
  CHECK_THROWS_AS(ProcessPool({}, 1), std::invalid_argument);
  CHECK_THROWS_AS(ProcessPool(worker_command(), 0), std::invalid_argument);
  CHECK(no_children_left());
}

TEST_CASE("only one map of a pool at a time") {
  ProcessPool pool{worker_command(), 1};
  const std::vector<std::string> records{"a", "b"};
  auto first = pool.map(std::views::all(records));
  auto it = first.begin();
  CHECK(it->output == "A");
  auto second = pool.map(std::views::all(records));
  CHECK_THROWS_AS(second.begin(), std::logic_error);
}

namespace {

// The peak resident memory of this process so far, in KiB.
long peak_rss_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("a worker that writes without a newline is a failure past max_reply_bytes, and memory stays bounded",
          "[faults]") {
  // Issue 18: the pool kept every byte of an unfinished line (and rescanned all of them on each
  // read). Here the worker writes 32 MiB of 'x' before its newline; the pool allows 1 MiB.
  const long before = peak_rss_kib();
  ProcessPool pool{{STREAMLAB_CRASHY_WORKER, "--flood", std::to_string(32 << 20)}, 1, {.max_reply_bytes = 1 << 20}};
  const auto seen = run_all(pool, {"a", "b"});
  REQUIRE(seen.size() == 2);
  for (const ProcessResult& result : seen) {
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.error, Catch::Matches("reply from worker [0-9]+ longer than 1048576 bytes "
                                            "\\(max_reply_bytes\\): killed"));
  }
  CHECK(pool.workers_replaced() == 2);
  const long grown = peak_rss_kib() - before;
  INFO("peak RSS grew by " << grown << " KiB");
  // The 1 MiB allowed, a read and their copies (and a sanitizer's shadow of them): not the 32 MiB sent.
  CHECK(grown < 16 * 1024);
}

TEST_CASE("a worker that floods for ever is stopped at the limit", "[faults]") {
  ProcessPool pool{{STREAMLAB_CRASHY_WORKER, "--flood", "0"}, 2, {.max_reply_bytes = 256 << 10}};
  const auto results = run_all(pool, {"a", "b", "c"});
  REQUIRE(results.size() == 3);
  for (const ProcessResult& result : results) CHECK(result.error.find("longer than 262144 bytes") != std::string::npos);
}

TEST_CASE("a worker that never answers is a failure after reply_timeout: killed, reaped, replaced", "[faults]") {
  // Issue 18: map() waited for ever. "hang" makes the worker sleep for good (it even ignores the
  // end of its input); the pool gives it 300 ms.
  {
    ProcessPool pool{worker_command(), 1, {.reply_timeout = std::chrono::milliseconds(300)}};
    const auto start = std::chrono::steady_clock::now();
    const auto results = run_all(pool, {"a", "hang", "b"});
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE(results.size() == 3);
    CHECK(results[0].output == "A");
    CHECK_FALSE(results[1].ok);
    CHECK_THAT(results[1].error, Catch::Matches("no reply from worker [0-9]+ within 300 ms: killed"));
    CHECK(results[2].output == "B");  // a fresh worker took the next record
    CHECK(pool.workers_replaced() == 1);
    CHECK(waited >= std::chrono::milliseconds(300));  // given its time, no less
  }
  CHECK(no_children_left());
}

TEST_CASE("a long reply within the limit is read whole", "[faults]") {
  ProcessPool pool{{STREAMLAB_CRASHY_WORKER, "--flood", std::to_string(3 << 20)}, 1};  // 3 MiB < the default 4 MiB
  const auto results = run_all(pool, {"a", "b"});
  REQUIRE(results.size() == 2);
  for (const ProcessResult& result : results) {
    CHECK(result.ok);
    CHECK(result.output.size() == std::size_t{3} << 20);
  }
  CHECK(pool.limits().max_reply_bytes == std::size_t{4} << 20);
  CHECK(pool.limits().reply_timeout == std::chrono::seconds(60));
}

TEST_CASE("Ctrl-C ends a wait for a worker that takes its time: map() throws Interrupted", "[faults]") {
  // With a reply timeout of a minute, only the interrupt flag can end this wait early. The signal
  // comes from another thread once the consumer has the first answer: before or during the wait
  // for "hang", the outcome is the same.
  streamlab::install_interrupt_flag();
  streamlab::clear_interrupt_flag();
  {
    ProcessPool pool{worker_command(), 2, {.reply_timeout = std::chrono::minutes(1)}};
    const std::vector<std::string> records{"a", "hang", "b"};
    std::vector<std::string> seen;
    std::thread signaller;
    const auto start = std::chrono::steady_clock::now();
    auto consume = [&] {
      for (const ProcessResult& result : pool.map(std::views::all(records))) {
        seen.push_back(result.output);
        if (!signaller.joinable()) signaller = std::thread([] { ::kill(::getpid(), SIGINT); });
      }
    };
    CHECK_THROWS_AS(consume(), streamlab::Interrupted);
    signaller.join();
    CHECK(seen == std::vector<std::string>{"A"});
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));  // not the minute
    streamlab::clear_interrupt_flag();
    CHECK(run_all(pool, {"x"})[0].output == "X");  // the busy worker was replaced: the pool goes on
  }
  CHECK(no_children_left());
}
