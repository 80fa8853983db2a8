// Lesson 05 · Parallel streaming: keep a stream moving with several workers — threads for waiting
// (I/O), threads on every core for computing, processes for isolation, coroutines for async I/O —
// and still hand the results on in input order.
//
// Run it:      scripts/run-lessons 5        (or build/release/lessons/05_parallel_streaming --help)
// Golden file: expected_output/05_parallel_streaming.txt (timings and speed-ups are patterns)
#include "streamlab/async_channel.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/generator.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/parallel_map.hpp"
#include "streamlab/process_pool.hpp"
#include "streamlab/random.hpp"
#include "streamlab/thread_pool.hpp"

#include <fmt/core.h>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <sys/resource.h>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct Options {
  int fetches = 16;         // simulated downloads (I/O-bound)
  int workers = 4;          // threads of the I/O pool
  int latency_ms = 50;      // how long each simulated download waits
  int blocks = 16;          // blocks of numbers to search for primes (CPU-bound)
  int block_size = 50'000;  // numbers per block
  int threads = static_cast<int>(streamlab::ThreadPool::default_thread_count());
  int records = 10;  // records for the crash demo
  int poison = 6;    // the record that crashes its worker (none if >= records)
  int items = 12;    // items through the async channel
  int capacity = 4;  // the async channel's capacity
  std::uint64_t seed = 5;
};

// ---------------------------------------------------------------------------------------------
// The seed's three strategies, as the Python tutorial prints them.

void parallel_streaming_strategies() {
  streamlab::section("Parallel Streaming");
  fmt::print("Parallel processing strategies:\n\n");
  fmt::print("1. Thread pool for I/O-bound:\n");
  fmt::print("   with ThreadPoolExecutor(max_workers=4) as pool:\n");
  fmt::print("       results = pool.map(fetch_data, urls)\n");
  fmt::print("       for result in results:\n");
  fmt::print("           process(result)\n\n");
  fmt::print("2. Process pool for CPU-bound:\n");
  fmt::print("   with ProcessPoolExecutor() as pool:\n");
  fmt::print("       for result in pool.map(cpu_intensive, data_stream()):\n");
  fmt::print("           save(result)\n\n");
  fmt::print("3. Async streaming:\n");
  fmt::print("   async for item in async_data_stream():\n");
  fmt::print("       result = await process_async(item)\n");
  fmt::print("       await save_async(result)\n\n");
  fmt::print("In C++ (this lesson runs each one):\n");
  streamlab::bullet("I/O-bound: parallel_map(urls, fetch_data, {.threads = 4}) on a ThreadPool");
  streamlab::bullet("CPU-bound: parallel_map on a thread per core (C++ threads run in parallel)");
  streamlab::bullet("Isolation: ProcessPool, when a record may crash the code that handles it");
  streamlab::bullet("Async: coroutines co_await an AsyncChannel (Asio), one thread, many waits");
}

// ---------------------------------------------------------------------------------------------
// 1. I/O-bound: a download spends its time waiting. Waiting threads use no CPU, so 4 threads
// wait for 4 downloads at once, even on one core.

struct Page {
  std::string url;
  std::int64_t bytes = 0;
};

//! [fetch]
// A stand-in for an HTTP GET: it waits `latency` (the network) and returns a page whose size
// depends only on the URL's number and the seed, so the output is the same on every run.
Page fetch_data(int id, std::chrono::milliseconds latency, std::uint64_t seed) {
  std::this_thread::sleep_for(latency);
  streamlab::Random rng{seed * 1000 + static_cast<std::uint64_t>(id)};
  return Page{fmt::format("https://example.com/data/{}", id), rng.uniform_int(500, 9999)};
}
//! [fetch]

void thread_pool_for_io(const Options& options) {
  streamlab::section("Thread pool for I/O-bound work");
  const auto latency = std::chrono::milliseconds(options.latency_ms);
  fmt::print("Fetching {} URLs, each waiting {} ms (simulated network), on {} worker thread{}:\n", options.fetches,
             options.latency_ms, options.workers, options.workers == 1 ? "" : "s");

  streamlab::Stopwatch watch;
  std::int64_t sequential_bytes = 0;
  for (int id = 0; id < options.fetches; ++id) sequential_bytes += fetch_data(id, latency, options.seed).bytes;
  const double sequential_ms = watch.elapsed_ms();

  //! [io_pool]
  auto fetch = [latency, seed = options.seed](int id) { return fetch_data(id, latency, seed); };
  watch.restart();
  std::int64_t pooled_bytes = 0;
  const auto urls = std::views::iota(0, options.fetches);
  for (const Page& page :
       streamlab::parallel_map(urls, fetch, {.threads = static_cast<std::size_t>(options.workers)})) {
    fmt::print("  {} → {} bytes\n", page.url, page.bytes);  // process(result): in input order
    pooled_bytes += page.bytes;
  }
  //! [io_pool]
  const double pooled_ms = watch.elapsed_ms();

  fmt::print("Results arrive in input order (a reorder buffer holds early finishers).\n");
  fmt::print("Same bytes as one at a time: {}\n", pooled_bytes == sequential_bytes ? "yes" : "NO");
  streamlab::measured("One at a time", sequential_ms, "ms", 0);
  streamlab::measured(fmt::format("{} thread{}", options.workers, options.workers == 1 ? "" : "s"), pooled_ms, "ms", 0);
  streamlab::measured("Speed-up", sequential_ms / pooled_ms, "x", 1);
}

// ---------------------------------------------------------------------------------------------
// 2. CPU-bound: here a thread per core really helps, because C++ threads run at the same time.

//! [cpu_intensive]
// Real work: counts the primes in [first, first + count) by trial division.
int count_primes(std::int64_t first, std::int64_t count) {
  int primes = 0;
  for (std::int64_t n = std::max<std::int64_t>(first, 2); n < first + count; ++n) {
    bool prime = true;
    for (std::int64_t d = 2; d * d <= n; ++d) {
      if (n % d == 0) {
        prime = false;
        break;
      }
    }
    primes += prime ? 1 : 0;
  }
  return primes;
}
//! [cpu_intensive]

void threads_for_cpu(const Options& options) {
  streamlab::section("CPU-bound work on every core");
  const std::int64_t size = options.block_size;
  fmt::print("Counting primes in {} blocks of {} numbers (0 to {}):\n", options.blocks, size, options.blocks * size);
  auto cpu_intensive = [size](int block) { return count_primes(block * size, size); };
  const auto blocks = std::views::iota(0, options.blocks);

  //! [cpu_threads]
  auto run_on = [&](std::size_t threads) {
    std::vector<int> counts;
    for (int primes : streamlab::parallel_map(blocks, cpu_intensive, {.threads = threads})) counts.push_back(primes);
    return counts;
  };
  streamlab::Stopwatch watch;
  const std::vector<int> one = run_on(1);
  const double one_ms = watch.elapsed_ms();
  watch.restart();
  const std::vector<int> all = run_on(static_cast<std::size_t>(options.threads));
  const double all_ms = watch.elapsed_ms();
  //! [cpu_threads]

  std::int64_t total = 0;
  for (int c : all) total += c;
  constexpr std::size_t shown = 4;  // the first few counts; "..." only when there are more
  std::string counts;
  for (std::size_t i = 0; i < all.size() && i < shown; ++i) counts += fmt::format("{}{}", i == 0 ? "" : ", ", all[i]);
  if (all.size() > shown) counts += ", ...";
  fmt::print("  Primes per block: {}\n", counts);
  fmt::print("  Primes in total: {}\n", total);
  // "A thread per core" only when it is one: --threads may ask for fewer or more.
  const std::size_t cores = streamlab::ThreadPool::default_thread_count();
  const bool per_core = static_cast<std::size_t>(options.threads) == cores;
  const std::string many =
      per_core ? "a thread per core"
               : fmt::format("{} thread{} (--threads)", options.threads, options.threads == 1 ? "" : "s");
  fmt::print("Same counts on 1 thread and on {}: {}\n", many, one == all ? "yes" : "NO");
  if (per_core) {
    streamlab::measured("Threads (one per core)", options.threads, "", 0);
  } else {
    streamlab::measured(fmt::format("Threads (--threads; this machine has {} core{})", cores, cores == 1 ? "" : "s"),
                        options.threads, "", 0);
  }
  streamlab::measured("1 thread", one_ms, "ms", 0);
  streamlab::measured(per_core ? "Thread per core" : many, all_ms, "ms", 0);
  streamlab::measured("Speed-up", one_ms / all_ms, "x", 1);
  fmt::print("\nWhy Python needed processes here, and C++ does not:\n");
  streamlab::bullet("CPython runs Python code on one thread at a time (the GIL, its global");
  fmt::print("    interpreter lock), so Python threads cannot compute in parallel. The seed's\n");
  fmt::print("    ProcessPoolExecutor works around it with processes, and pays to copy (pickle)\n");
  fmt::print("    every item and every result between them.\n");
  streamlab::bullet("C++ has no such lock: std::threads run on separate cores at the same time and");
  fmt::print("    share memory, so a thread per core is the C++ answer for CPU-bound work.\n");
  fmt::print("    (Shared data needs care: here each item is separate, each result has its slot.)\n");
  streamlab::bullet("Processes are still the right tool in C++ for isolation: the next section.");
}

// ---------------------------------------------------------------------------------------------
// 3. Isolation: a bug that crashes a thread kills the whole program. In a worker process it
// kills only that worker: the pool reports the record and starts a new worker.

//! [worker]
// The worker side (this same program, re-run with --worker): converts "sensor,celsius" records
// to Fahrenheit. It stands in for native code with a bug: an empty value makes it abort.
int run_worker() {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // it crashes on purpose in the demo: no core file
  return streamlab::serve_process_worker([](std::string_view record) {
    const auto comma = record.find(',');
    if (comma == std::string_view::npos) throw std::invalid_argument("no comma");
    const std::string value{record.substr(comma + 1)};
    if (value.empty()) std::abort();  // the "bug"
    const double celsius = std::stod(value);
    return fmt::format("{} {:.1f} °F", record.substr(0, comma), celsius * 9.0 / 5.0 + 32.0);
  });
}
//! [worker]

streamlab::Generator<std::string> sensor_records(int count, int poison, std::uint64_t seed) {
  streamlab::Random rng{seed};
  for (int i = 0; i < count; ++i) {
    const auto sensor = rng.uniform_int(1, 4);
    const double celsius = rng.normal(21.0, 3.0);
    std::string record = fmt::format("sensor-{},{:.1f}", sensor, celsius);
    if (i == poison) record = fmt::format("sensor-{},", sensor);  // the value is missing
    co_yield std::move(record);
  }
}

void processes_for_isolation(const Options& options) {
  streamlab::section("Processes for isolation");
  fmt::print("{} records through 2 worker processes (this program, re-run with --worker);\n", options.records);
  fmt::print("the worker aborts on a record with an empty value, as a buggy parser might:\n");
  //! [process_pool]
  streamlab::ProcessPool pool{{"/proc/self/exe", "--worker"}, 2};
  int failed = 0;
  for (const streamlab::ProcessResult& result :
       pool.map(sensor_records(options.records, options.poison, options.seed))) {
    if (result.ok) {
      fmt::print("  record {}: {}\n", result.index, result.output);
    } else {
      fmt::print("  record {}: FAILED, {}\n", result.index, result.error);
      ++failed;
    }
  }
  //! [process_pool]
  fmt::print("Records: {}, succeeded: {}, failed: {}; workers replaced: {}\n", options.records,
             options.records - failed, failed, pool.workers_replaced());
  fmt::print("The stream went on: in a thread, the same abort would have ended the whole program.\n");
}

// ---------------------------------------------------------------------------------------------
// 4. Async: one thread, many waits in flight. A coroutine suspends at co_await instead of
// blocking its thread; the channel's capacity suspends the producer when it runs ahead.

struct Item {
  int index = 0;
  double value = 0.0;
};

//! [async]
// async_data_stream(): the producer sends items into the channel; when the channel is full its
// co_await suspends until a consumer takes one (backpressure).
asio::awaitable<void> async_data_stream(streamlab::AsyncChannel<Item>& channel, int count, std::uint64_t seed) {
  streamlab::Random rng{seed};
  for (int i = 0; i < count; ++i) co_await channel.send(Item{i, rng.uniform(0.0, 100.0)});
  co_await channel.finish();
}

// process_async() and save_async(): simulated I/O, a timer instead of a network call.
asio::awaitable<double> process_async(Item item) {
  asio::steady_timer timer{co_await asio::this_coro::executor, 6ms};
  co_await timer.async_wait(asio::use_awaitable);
  co_return item.value * 2.0;
}

asio::awaitable<void> save_async(std::vector<std::optional<double>>& saved, int index, double result) {
  asio::steady_timer timer{co_await asio::this_coro::executor, 2ms};
  co_await timer.async_wait(asio::use_awaitable);
  saved[static_cast<std::size_t>(index)] = result;
}

// The consumer: `async for item in async_data_stream()` becomes a loop on co_await receive().
asio::awaitable<void> consumer(streamlab::AsyncChannel<Item>& channel, std::vector<std::optional<double>>& saved) {
  while (std::optional<Item> item = co_await channel.receive()) {
    const double result = co_await process_async(*item);
    co_await save_async(saved, item->index, result);
  }
}
//! [async]

// Runs one producer and `consumers` consumers on one thread; returns what was saved, by index.
struct AsyncRun {
  std::vector<std::optional<double>> saved;
  std::size_t sent = 0;
  std::size_t most_ahead = 0;
  double elapsed_ms = 0.0;
};

AsyncRun run_async(const Options& options, int consumers) {
  AsyncRun run;
  run.saved.resize(static_cast<std::size_t>(options.items));
  asio::io_context io;
  streamlab::AsyncChannel<Item> channel{io.get_executor(), static_cast<std::size_t>(options.capacity)};
  auto rethrow = [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  };
  streamlab::Stopwatch watch;
  asio::co_spawn(io, async_data_stream(channel, options.items, options.seed), rethrow);
  for (int c = 0; c < consumers; ++c) asio::co_spawn(io, consumer(channel, run.saved), rethrow);
  io.run();  // one thread runs every coroutine, until all have finished
  run.elapsed_ms = watch.elapsed_ms();
  run.sent = channel.sent();
  run.most_ahead = channel.most_ahead();
  return run;
}

void async_streaming(const Options& options) {
  streamlab::section("Async streaming with coroutines");
  fmt::print("A producer coroutine sends {} items into a channel of capacity {}; a consumer co_awaits\n", options.items,
             options.capacity);
  fmt::print("each one, then process_async (6 ms timer) and save_async (2 ms timer). One thread.\n");
  const AsyncRun one = run_async(options, 1);
  std::string results;
  for (std::size_t i = 0; i < one.saved.size(); ++i) {
    results += fmt::format("{}{:.1f}", i == 0 ? "" : ", ", one.saved[i].value_or(-1.0));
  }
  fmt::print("  Saved, in input order: {}\n", results);
  fmt::print("  Items sent: {}; most sent but not yet received at any time: {} (capacity {})\n", one.sent,
             one.most_ahead, options.capacity);
  if (options.capacity == 0 && one.most_ahead == 1) {
    // Asio's channel: a receiver that takes the item of a waiting sender completes the send first,
    // so the producer resumes (and counts the item sent) before the consumer resumes with it.
    fmt::print("  Capacity 0 stores no item: each send waits for a receiver and hands its item over. The 1\n");
    fmt::print("  is the item being handed over: Asio resumes the waiting producer before the consumer, so\n");
    fmt::print("  for a moment that item counts as sent and not yet received.\n");
  }
  fmt::print("The producer is suspended, not blocked, while the channel is full: capacity is backpressure.\n");

  fmt::print("\nThree consumers on the same thread overlap their waits:\n");
  const AsyncRun three = run_async(options, 3);
  fmt::print("  Same results, saved by index: {}\n", three.saved == one.saved ? "yes" : "NO");
  streamlab::measured("1 consumer", one.elapsed_ms, "ms", 0);
  streamlab::measured("3 consumers", three.elapsed_ms, "ms", 0);
  streamlab::measured("Speed-up", one.elapsed_ms / three.elapsed_ms, "x", 1);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lesson 05: Parallel streaming — thread pools, processes and async coroutines, results in input order.",
               "05_parallel_streaming"};
  Options options;
  bool worker = false;
  app.add_flag("--worker", worker, "run as a worker process (used by the lesson itself)")->group("");
  streamlab::add_count_option(app, "--fetches", options.fetches, "simulated downloads (I/O-bound)", 10'000);
  streamlab::add_count_option(app, "--workers", options.workers, "threads for the downloads", 256);
  streamlab::add_count_option(app, "--latency-ms", options.latency_ms, "wait of each download, in ms", 10'000);
  streamlab::add_count_option(app, "--blocks", options.blocks, "blocks of numbers to search for primes (CPU-bound)",
                              10'000);
  streamlab::add_count_option(app, "--block-size", options.block_size, "numbers per block", 10'000'000);
  streamlab::add_count_option(app, "--threads", options.threads,
                              "threads for the CPU-bound work (default: one per core)", 256);
  streamlab::add_count_option(app, "--records", options.records, "records for the crash demo", 100'000);
  app.add_option("--poison", options.poison, "the record that crashes its worker (none if >= --records)")
      ->check(streamlab::whole_number_in(0, 100'000))
      ->capture_default_str();
  streamlab::add_count_option(app, "--items", options.items, "items through the async channel", 100'000);
  app.add_option("--capacity", options.capacity, "capacity of the async channel (0: hand over directly)")
      ->check(streamlab::whole_number_in(0, 100'000))
      ->capture_default_str();
  streamlab::add_seed_option(app, options.seed, "seed of the generated data");
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;
  if (worker) return run_worker();

  streamlab::banner("05 · Parallel Streaming");
  // The seed's three strategies, then each one running in C++.
  parallel_streaming_strategies();
  // Notice: results in input order, and a speed-up close to the number of threads although the
  // work is only waiting.
  thread_pool_for_io(options);
  // Notice: the same counts either way, and a speed-up of at most the number of cores.
  threads_for_cpu(options);
  // Notice: one record fails, the stream does not.
  processes_for_isolation(options);
  // Notice: one thread, and still waits overlap; the producer never runs ahead of the capacity
  // (at capacity 0, one item: the one being handed over).
  async_streaming(options);
  streamlab::next_lesson("06_windowed_processing");
  return 0;
}
