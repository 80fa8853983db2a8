// Sliding windows from a ring buffer (a span per window, O(1) work per step) beside the naive way
// that copies the window into a fresh vector at each step (O(size) per step).
// Run from a Release build: build/release/bench/bench_window
#include "streamlab/generator.hpp"
#include "streamlab/window.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <ranges>
#include <vector>

namespace {

constexpr std::int64_t items = 1 << 18;

streamlab::Generator<std::int64_t> produce(std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) co_yield i;
}

// The naive version, as a Python `list(deque)` would do it: keep the last `size` items in a
// vector, and hand each window out as a copy. Also a generator, so only the window handling differs.
streamlab::Generator<std::vector<std::int64_t>> copying_windows(streamlab::Generator<std::int64_t> input,
                                                                std::size_t size, std::size_t stride) {
  std::vector<std::int64_t> last;
  std::size_t seen = 0;
  std::size_t next_start = 0;
  for (std::int64_t x : input) {
    if (last.size() == size) last.erase(last.begin());
    last.push_back(x);
    ++seen;
    if (seen == next_start + size) {
      co_yield std::vector<std::int64_t>(last);
      next_start += stride;
    }
  }
}

// The consumer looks at the ends of each window (as a running-sum moving average does), so the
// cost measured is that of producing the windows, not of reading them.
void ring_buffer(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::int64_t total = 0;
    for (auto window : streamlab::sliding_windows(produce(items), size, 1)) total += window.front() + window.back();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(ring_buffer)->Arg(5)->Arg(64)->Arg(512);

void copy_per_window(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::int64_t total = 0;
    for (auto& window : copying_windows(produce(items), size, 1)) total += window.front() + window.back();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(copy_per_window)->Arg(5)->Arg(64)->Arg(512);

// A consumer that reads every item of every window (a plain moving average): both versions now
// do O(size) work per step, and the gap narrows to the cost of the copy and its allocation.
void ring_buffer_sum_each_window(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::int64_t total = 0;
    for (auto window : streamlab::sliding_windows(produce(items), size, 1))
      total += std::accumulate(window.begin(), window.end(), std::int64_t{0});
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(ring_buffer_sum_each_window)->Arg(5)->Arg(64)->Arg(512);

void copy_per_window_sum_each_window(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::int64_t total = 0;
    for (auto& window : copying_windows(produce(items), size, 1))
      total += std::accumulate(window.begin(), window.end(), std::int64_t{0});
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(copy_per_window_sum_each_window)->Arg(5)->Arg(64)->Arg(512);

}  // namespace
