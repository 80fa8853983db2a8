// What a coroutine generator costs per item, beside a plain loop and a callback; and what batching
// saves when each call has a fixed cost. Run from a Release build: build/release/bench/bench_generator
#include "streamlab/batch.hpp"
#include "streamlab/generator.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <ranges>
#include <span>

namespace {

constexpr std::int64_t items = 1 << 20;

// The per-item work: cheap on purpose, so that the cost of delivering the item shows.
inline std::int64_t work(std::int64_t i) { return (i * i) ^ (i >> 3); }

void plain_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (std::int64_t i = 0; i < items; ++i) sum += work(i);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(plain_loop);

// A producer that pushes each value into a type-erased callback, as C APIs and many libraries do.
[[gnu::noinline]] void produce_into(std::int64_t count, const std::function<void(std::int64_t)>& sink) {
  for (std::int64_t i = 0; i < count; ++i) sink(i);
}

void callback(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t sum = 0;
    produce_into(items, [&sum](std::int64_t i) { sum += work(i); });
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(callback);

streamlab::Generator<std::int64_t> produce(std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) co_yield i;
}

void generator(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (std::int64_t i : produce(items)) sum += work(i);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(generator);

// A call with a fixed cost: it takes a lock, as a shared model or a connection pool would.
std::mutex model_lock;
[[gnu::noinline]] std::int64_t call_model(std::span<const std::int64_t> batch) {
  std::lock_guard lock(model_lock);
  std::int64_t sum = 0;
  for (std::int64_t x : batch) sum += work(x);
  return sum;
}

// Both call benchmarks read the same generator, so the difference is the calls alone.
void one_call_per_item(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (const std::int64_t& x : produce(items)) sum += call_model({&x, 1});
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(one_call_per_item);

void one_call_per_batch(benchmark::State& state) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (const auto& batch : streamlab::batched(produce(items), batch_size)) sum += call_model(batch);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(one_call_per_batch)->Arg(16)->Arg(64)->Arg(1024);

}  // namespace
