// Lesson 10 over a private redis-server: XADD one per round trip against pipelined batches;
// XREADGROUP COUNT 1 against COUNT 100; and the lesson's own consumers end to end, with 1, 2 and 4
// consumer processes. The round-trip benchmarks run over three links: a unix socket; TCP on
// 127.0.0.1 (a port picked at run time), the network stack a client on another machine goes
// through; and that TCP port behind a DelayedLink adding ~100 µs to each round trip, as between two
// machines. A batch saves one round trip per command, so the longer the round trip the more
// pipelining pays. Times are wall-clock (UseRealTime): the client mostly waits for the server, so
// its CPU time would flatter it.
#include "delayed_link.hpp"
#include "streamlab/redis.hpp"

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace redis = streamlab::redis;

// The links a client can reach the server by: a unix socket; TCP on 127.0.0.1; and TCP through a
// DelayedLink that adds 50 µs each way, a round trip of ~100 µs more, as between two machines in one
// data centre.
enum class Link { unix_socket, tcp_loopback, tcp_100us };
constexpr auto unix_socket = Link::unix_socket;
constexpr auto tcp_loopback = Link::tcp_loopback;
constexpr auto tcp_100us = Link::tcp_100us;

// One server of each kind for the whole program, started on first use and stopped at exit.
template <redis::Listen listen = redis::Listen::unix_socket>
redis::LocalServer& server() {
  static redis::LocalServer instance{std::chrono::milliseconds{5000}, listen};
  return instance;
}

template <Link link>
redis::Address address() {
  if constexpr (link == Link::unix_socket) {
    return server<redis::Listen::unix_socket>().address();
  } else if constexpr (link == Link::tcp_loopback) {
    return server<redis::Listen::tcp_loopback>().address();
  } else {
    const redis::Address& tcp = server<redis::Listen::tcp_loopback>().address();
    static streamlab::bench::DelayedLink relay{tcp.host, tcp.port, std::chrono::microseconds{50}};
    return redis::Address::parse(fmt::format("redis://127.0.0.1:{}", relay.port()));
  }
}

redis::Command xadd(const std::string& stream, int i) {
  return {"XADD",   stream,
          "MAXLEN", "~",
          "100000", "*",
          "line",   std::to_string(i),
          "ts",     "1700000000000",
          "sensor", std::to_string(i % 16),
          "value",  "21.125"};
}

// PING, one per round trip: the link's round trip plus the least work a server can do.
template <Link link>
void ping_round_trip(benchmark::State& state) {
  redis::Connection r{address<link>()};
  for (auto _ : state) benchmark::DoNotOptimize(r.command({"PING"}));
}
BENCHMARK_TEMPLATE(ping_round_trip, unix_socket)->UseRealTime();
BENCHMARK_TEMPLATE(ping_round_trip, tcp_loopback)->UseRealTime();
BENCHMARK_TEMPLATE(ping_round_trip, tcp_100us)->UseRealTime();

// One XADD, one round trip: the client waits for each reply before it sends the next command.
template <Link link>
void xadd_one_per_round_trip(benchmark::State& state) {
  redis::Connection r{address<link>()};
  r.command({"DEL", "bench:one"});
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(r.command(xadd("bench:one", i++)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_TEMPLATE(xadd_one_per_round_trip, unix_socket)->UseRealTime();
BENCHMARK_TEMPLATE(xadd_one_per_round_trip, tcp_loopback)->UseRealTime();
BENCHMARK_TEMPLATE(xadd_one_per_round_trip, tcp_100us)->UseRealTime();

// N XADDs written at once, then N replies read: one round trip for the batch (lesson 02's batching).
template <Link link>
void xadd_pipelined(benchmark::State& state) {
  redis::Connection r{address<link>()};
  r.command({"DEL", "bench:pipelined"});
  const int n = static_cast<int>(state.range(0));
  std::vector<redis::Command> batch;
  int i = 0;
  for (auto _ : state) {
    batch.clear();
    for (int k = 0; k < n; ++k) batch.push_back(xadd("bench:pipelined", i++));
    benchmark::DoNotOptimize(r.pipeline(batch));
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK_TEMPLATE(xadd_pipelined, unix_socket)->Arg(100)->Arg(1000)->UseRealTime();
BENCHMARK_TEMPLATE(xadd_pipelined, tcp_loopback)->Arg(100)->Arg(1000)->UseRealTime();
BENCHMARK_TEMPLATE(xadd_pipelined, tcp_100us)->Arg(100)->Arg(1000)->UseRealTime();

// XREADGROUP COUNT n (NOACK: nothing left pending) over a stream of 100,000 entries, read again
// from the start when it runs out.
template <Link link>
void xreadgroup_count(benchmark::State& state) {
  redis::Connection r{address<link>()};
  const std::string stream = "bench:read";
  if (r.command({"EXISTS", stream}).integer() == 0) {
    std::vector<redis::Command> batch;
    for (int i = 0; i < 100'000; ++i) {
      batch.push_back(xadd(stream, i));
      if (batch.size() == 1000) {
        r.pipeline(batch);
        batch.clear();
      }
    }
    r.command({"XGROUP", "CREATE", stream, "g", "0"});
  }
  const std::string count = std::to_string(state.range(0));
  std::int64_t entries = 0;
  for (auto _ : state) {
    const redis::Reply read =
        r.command({"XREADGROUP", "GROUP", "g", "c", "COUNT", count, "NOACK", "STREAMS", stream, ">"});
    if (read.is_nil()) {
      r.command({"XGROUP", "SETID", stream, "g", "0"});
      continue;
    }
    entries += static_cast<std::int64_t>(read[0][1].elements().size());
  }
  state.SetItemsProcessed(entries);
}
BENCHMARK_TEMPLATE(xreadgroup_count, unix_socket)->Arg(1)->Arg(100)->UseRealTime();
BENCHMARK_TEMPLATE(xreadgroup_count, tcp_loopback)->Arg(1)->Arg(100)->UseRealTime();
BENCHMARK_TEMPLATE(xreadgroup_count, tcp_100us)->Arg(1)->Arg(100)->UseRealTime();

// The lesson end to end: 20,000 readings in a stream, then N `consume` processes of the lesson
// (batches of 100, each committed with its XACK in one MULTI/EXEC), timed from their start until
// the group has read and acknowledged every entry.
void lesson_consumers(benchmark::State& state) {
  const int consumers = static_cast<int>(state.range(0));
  redis::Connection r{server().address()};
  constexpr int readings = 20'000;
  std::int64_t done = 0;
  int round = 0;
  for (auto _ : state) {
    const std::string stream = fmt::format("bench:e2e:{}:{}", consumers, round++);
    std::vector<redis::Command> batch;
    for (int i = 0; i < readings; ++i) {
      batch.push_back({"XADD", stream, "*", "line", std::to_string(i + 2), "ts", "1700000000000", "sensor",
                       std::to_string(i % 16), "value", fmt::format("{}", 20.0 + (i % 100) * 0.01)});
      if (batch.size() == 1000) {
        r.pipeline(batch);
        batch.clear();
      }
    }
    r.command({"XGROUP", "CREATE", stream, "g", "0"});
    const auto start = std::chrono::steady_clock::now();
    std::vector<pid_t> pids;
    for (int c = 0; c < consumers; ++c) {
      const std::string url = server().address().url(), name = fmt::format("c{}", c);
      const pid_t pid = ::fork();
      if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::execl(STREAMLAB_LESSON_10, STREAMLAB_LESSON_10, "--redis", url.c_str(), "--stream", stream.c_str(), "consume",
                "--group", "g", "--name", name.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      }
      pids.push_back(pid);
    }
    for (;;) {  // drained: everything delivered and nothing pending
      const redis::Reply groups = r.command({"XINFO", "GROUPS", stream});
      const redis::Reply& g = groups[0];
      const redis::Reply* lag = g.field("lag");
      if (lag != nullptr && !lag->is_nil() && lag->integer() == 0 && g.field("pending")->integer() == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (pid_t pid : pids) ::kill(pid, SIGTERM);
    for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
    state.SetIterationTime(seconds);
    r.command({"DEL", stream});
    done += readings;
  }
  state.SetItemsProcessed(done);
}
BENCHMARK(lesson_consumers)->Arg(1)->Arg(2)->Arg(4)->UseManualTime()->Iterations(5)->Unit(benchmark::kMillisecond);

}  // namespace
