// What parallel_map costs per task, beside oneTBB's parallel_pipeline (8 tokens) on the same work
// in the same program; and the speed-up of CPU-bound work with 2 threads over 1.
// Run from a Release build: build/release/bench/bench_parallel_map
//
// Names read as: <what>/items_per_task:<n>/threads:<t>[/in_flight:<k> | /tokens:<k>]. Every
// parallel benchmark reports wall-clock time (UseRealTime) and items/s; compare items_per_second.
#include "streamlab/generator.hpp"
#include "streamlab/parallel_map.hpp"
#include "streamlab/thread_pool.hpp"

#include <benchmark/benchmark.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <cstdint>

namespace {

// One task's share of the stream: `count` consecutive items starting at `first`.
struct Chunk {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

// The per-item work: a short chain of multiplies and shifts (~10-20 ns), so that the cost of
// handing out a task shows at 1 item per task, and is amortised at 1024.
inline std::uint64_t work(std::int64_t item) {
  auto x = static_cast<std::uint64_t>(item);
  for (int round = 0; round < 8; ++round) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
  }
  return x;
}

std::uint64_t work_on(Chunk chunk) {
  std::uint64_t sum = 0;
  for (std::int64_t i = chunk.first; i < chunk.first + chunk.count; ++i) sum += work(i);
  return sum;
}

// CPU-heavy work for the speed-up measurement: trial-division prime counting, as in lesson 05.
std::uint64_t count_primes(Chunk chunk) {
  std::uint64_t primes = 0;
  for (std::int64_t n = chunk.first < 2 ? 2 : chunk.first; n < chunk.first + chunk.count; ++n) {
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

streamlab::Generator<Chunk> chunks(std::int64_t items, std::int64_t per_task) {
  for (std::int64_t first = 0; first < items; first += per_task) {
    co_yield Chunk{first, per_task < items - first ? per_task : items - first};
  }
}

// Enough items that a run takes tens of milliseconds either way.
std::int64_t items_for(std::int64_t per_task) { return per_task == 1 ? (1 << 16) : (1 << 20); }

std::uint64_t expected_sum(std::int64_t items) {
  static std::uint64_t cached_items = 0;
  static std::uint64_t cached = 0;
  if (cached_items != static_cast<std::uint64_t>(items)) {
    cached = work_on({0, items});
    cached_items = static_cast<std::uint64_t>(items);
  }
  return cached;
}

void check(benchmark::State& state, std::uint64_t sum, std::uint64_t expected) {
  if (sum != expected) state.SkipWithError("wrong sum: the parallel run lost or repeated work");
}

// The baseline: one thread, no tasks.
void sequential(benchmark::State& state) {
  const std::int64_t per_task = state.range(0);
  const std::int64_t items = items_for(per_task);
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (Chunk chunk : chunks(items, per_task)) sum += work_on(chunk);
    benchmark::DoNotOptimize(sum);
    check(state, sum, expected_sum(items));
  }
  state.SetItemsProcessed(state.iterations() * items);
}

// parallel_map on a pool made once (as TBB's threads are), 8 tasks in flight like TBB's 8 tokens;
// the consumer folds the results in input order, as TBB's serial_in_order output filter does.
// Two ways to use 2 threads: 2 pool threads while the consumer sleeps between results
// (consumer_helps:0), or 1 pool thread plus the consumer running queued tasks while it waits
// (consumer_helps:1), which is how TBB's arena of 2 works (the calling thread is one of the 2).
void parallel_map_on_pool(benchmark::State& state) {
  const std::int64_t per_task = state.range(0);
  const auto threads = static_cast<std::size_t>(state.range(1));
  const auto in_flight = static_cast<std::size_t>(state.range(2));
  const bool consumer_helps = state.range(3) != 0;
  const std::int64_t items = items_for(per_task);
  streamlab::ThreadPool pool{threads};
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (std::uint64_t part :
         streamlab::parallel_map(chunks(items, per_task), work_on,
                                 {.pool = &pool, .max_in_flight = in_flight, .consumer_helps = consumer_helps})) {
      sum += part;
    }
    benchmark::DoNotOptimize(sum);
    check(state, sum, expected_sum(items));
  }
  state.SetItemsProcessed(state.iterations() * items);
}

// tbb::parallel_pipeline: serial in-order input (the chunks), a parallel filter (the work), a
// serial in-order output (the fold), `tokens` chunks in flight, in an arena of `threads` threads.
void tbb_parallel_pipeline(benchmark::State& state) {
  const std::int64_t per_task = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const auto tokens = static_cast<std::size_t>(state.range(2));
  const std::int64_t items = items_for(per_task);
  tbb::task_arena arena{threads};
  for (auto _ : state) {
    std::uint64_t sum = 0;
    arena.execute([&] {
      std::int64_t next = 0;
      tbb::parallel_pipeline(
          tokens,
          tbb::make_filter<void, Chunk>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& control) {
            if (next >= items) {
              control.stop();
              return Chunk{};
            }
            Chunk chunk{next, per_task < items - next ? per_task : items - next};
            next += chunk.count;
            return chunk;
          }) & tbb::make_filter<Chunk, std::uint64_t>(tbb::filter_mode::parallel, [](Chunk chunk) {
            return work_on(chunk);
          }) & tbb::make_filter<std::uint64_t, void>(tbb::filter_mode::serial_in_order, [&](std::uint64_t part) {
            sum += part;
          }));
    });
    benchmark::DoNotOptimize(sum);
    check(state, sum, expected_sum(items));
  }
  state.SetItemsProcessed(state.iterations() * items);
}

// CPU-bound speed-up: the same prime counting on `threads` threads (compare threads:1 and :2).
void cpu_bound_parallel_map(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  constexpr std::int64_t numbers = 1'600'000;
  constexpr std::int64_t per_task = 25'000;  // 64 tasks of similar cost
  streamlab::ThreadPool pool{threads};
  for (auto _ : state) {
    std::uint64_t primes = 0;
    for (std::uint64_t part : streamlab::parallel_map(chunks(numbers, per_task), count_primes, {.pool = &pool}))
      primes += part;
    benchmark::DoNotOptimize(primes);
    if (primes != 121'127) state.SkipWithError("wrong prime count");
  }
  state.SetItemsProcessed(state.iterations() * numbers);
}

}  // namespace

BENCHMARK(sequential)->ArgName("items_per_task")->Arg(1)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(parallel_map_on_pool)
    ->ArgNames({"items_per_task", "threads", "in_flight", "consumer_helps"})
    ->Args({1, 2, 8, 0})
    ->Args({1, 1, 8, 1})
    ->Args({1024, 2, 8, 0})
    ->Args({1024, 1, 8, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(tbb_parallel_pipeline)
    ->ArgNames({"items_per_task", "threads", "tokens"})
    ->Args({1, 2, 8})
    ->Args({1024, 2, 8})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(cpu_bound_parallel_map)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
