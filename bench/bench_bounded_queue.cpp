// BoundedQueue throughput beside a plain mutex + deque + condition-variable queue and moodycamel's
// BlockingReaderWriterCircularBuffer (SPSC) and BlockingConcurrentQueue (MPMC, unbounded): one
// producer and one consumer, and two of each, moving items one at a time and 64 at a time.
// Also: the CPU time a consumer blocked on an empty queue uses.
//
// Run from a release build: build/release/bench/bench_bounded_queue
#include "streamlab/bounded_queue.hpp"
#include "streamlab/cpu_time.hpp"

#include <benchmark/benchmark.h>
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <readerwriterqueue/readerwritercircularbuffer.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t capacity = 1024;
constexpr std::uint64_t items_per_run = 1 << 20;
constexpr std::size_t bulk = 64;

/// The textbook blocking queue StreamLab's replaces: one mutex, a std::deque, two condition
/// variables, a notify on every push and every pop, one item at a time.
class PlainQueue {
 public:
  explicit PlainQueue(std::size_t limit) : limit_(limit) {}
  void push(std::uint64_t value) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < limit_; });
    items_.push_back(value);
    not_empty_.notify_one();
  }
  std::optional<std::uint64_t> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    const std::uint64_t value = items_.front();
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::uint64_t> items_;
  bool closed_ = false;
};

// Each queue kind behind the same small interface for the harness below. `batch` is how many
// items a producer hands over (and a consumer asks for) per call where the queue can do that.
struct StreamLabQueue {
  streamlab::BoundedQueue<std::uint64_t> queue{capacity};
  void produce(std::uint64_t first, std::uint64_t count, std::size_t batch) {
    if (batch == 1) {
      for (std::uint64_t i = 0; i < count; ++i) queue.push(first + i);
      return;
    }
    std::vector<std::uint64_t> chunk(batch);
    for (std::uint64_t i = 0; i < count; i += batch) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(batch, count - i));
      for (std::size_t k = 0; k < n; ++k) chunk[k] = first + i + k;
      queue.push_many(std::span(chunk.data(), n));
    }
  }
  std::uint64_t consume(std::size_t batch) {
    std::uint64_t sum = 0;
    if (batch == 1) {
      while (auto value = queue.pop()) sum += *value;
      return sum;
    }
    std::vector<std::uint64_t> out;
    out.reserve(batch);
    for (;;) {
      out.clear();
      if (queue.pop_many(out, batch) == 0) return sum;
      for (std::uint64_t value : out) sum += value;
    }
  }
  void producers_done() { queue.close(); }
};

struct PlainMutexQueue {
  PlainQueue queue{capacity};
  void produce(std::uint64_t first, std::uint64_t count, std::size_t) {
    for (std::uint64_t i = 0; i < count; ++i) queue.push(first + i);  // no bulk operation
  }
  std::uint64_t consume(std::size_t) {
    std::uint64_t sum = 0;
    while (auto value = queue.pop()) sum += *value;
    return sum;
  }
  void producers_done() { queue.close(); }
};

// SPSC only: the one consumer knows how many items come.
struct MoodycamelCircularBuffer {
  moodycamel::BlockingReaderWriterCircularBuffer<std::uint64_t> queue{capacity};
  std::uint64_t total = 0;
  void produce(std::uint64_t first, std::uint64_t count, std::size_t) {
    for (std::uint64_t i = 0; i < count; ++i) queue.wait_enqueue(first + i);  // no bulk operation
  }
  std::uint64_t consume(std::size_t) {
    std::uint64_t sum = 0;
    std::uint64_t value = 0;
    for (std::uint64_t i = 0; i < total; ++i) {
      queue.wait_dequeue(value);
      sum += value;
    }
    return sum;
  }
  void producers_done() {}
};

// Unbounded (it allocates more blocks instead of making the producer wait), MPMC, with bulk calls.
struct MoodycamelConcurrentQueue {
  moodycamel::BlockingConcurrentQueue<std::uint64_t> queue{capacity};
  std::atomic<std::uint64_t> consumed{0};
  std::uint64_t total = 0;
  void produce(std::uint64_t first, std::uint64_t count, std::size_t batch) {
    if (batch == 1) {
      for (std::uint64_t i = 0; i < count; ++i) queue.enqueue(first + i);
      return;
    }
    std::vector<std::uint64_t> chunk(batch);
    for (std::uint64_t i = 0; i < count; i += batch) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(batch, count - i));
      for (std::size_t k = 0; k < n; ++k) chunk[k] = first + i + k;
      queue.enqueue_bulk(chunk.data(), n);
    }
  }
  std::uint64_t consume(std::size_t batch) {
    std::uint64_t sum = 0;
    std::vector<std::uint64_t> out(batch);
    // It has no close(): consumers stop when the shared count says everything was taken (the
    // short timeout only matters at the very end, for the consumer that finds nothing left).
    while (consumed.load(std::memory_order_relaxed) < total) {
      const std::size_t n = queue.wait_dequeue_bulk_timed(out.data(), batch, std::int64_t{1000});
      for (std::size_t k = 0; k < n; ++k) sum += out[k];
      consumed.fetch_add(n, std::memory_order_relaxed);
    }
    return sum;
  }
  void producers_done() {}
};

template <typename Queue>
void move_items(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  const int consumers = static_cast<int>(state.range(1));
  const auto batch = static_cast<std::size_t>(state.range(2));
  const std::uint64_t per_producer = items_per_run / static_cast<std::uint64_t>(producers);
  const std::uint64_t total = per_producer * static_cast<std::uint64_t>(producers);
  const std::uint64_t expected = total * (total - 1) / 2;
  for (auto _ : state) {
    Queue q;
    if constexpr (requires { q.total; }) q.total = total;
    std::atomic<int> producers_left{producers};
    std::vector<std::uint64_t> sums(static_cast<std::size_t>(consumers), 0);
    std::vector<std::thread> threads;
    for (int c = 0; c < consumers; ++c) {
      threads.emplace_back([&, c] { sums[static_cast<std::size_t>(c)] = q.consume(batch); });
    }
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        q.produce(static_cast<std::uint64_t>(p) * per_producer, per_producer, batch);
        if (--producers_left == 0) q.producers_done();
      });
    }
    for (auto& thread : threads) thread.join();
    std::uint64_t sum = 0;
    for (std::uint64_t s : sums) sum += s;
    if (sum != expected) state.SkipWithError("checksum mismatch: items lost or duplicated");
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(total));
}

void shapes_spsc(benchmark::internal::Benchmark* b) {
  b->ArgNames({"producers", "consumers", "batch"});
  b->Args({1, 1, 1})->Args({1, 1, 64});
  b->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}
void shapes_all(benchmark::internal::Benchmark* b) {
  shapes_spsc(b);
  b->Args({2, 2, 1})->Args({2, 2, 64});
}

BENCHMARK_TEMPLATE(move_items, StreamLabQueue)->Apply(shapes_all);
BENCHMARK_TEMPLATE(move_items, PlainMutexQueue)->Apply(shapes_all);
BENCHMARK_TEMPLATE(move_items, MoodycamelCircularBuffer)->Apply(shapes_spsc);  // single producer/consumer only
BENCHMARK_TEMPLATE(move_items, MoodycamelConcurrentQueue)->Apply(shapes_all);

// A consumer blocked in pop() on an empty queue for 50 ms: how much CPU time does its thread use?
// Reported as the counters blocked_cpu_us (per wait) and cpu_share (CPU time / wall time).
void blocked_consumer_cpu(benchmark::State& state) {
  constexpr auto wait = std::chrono::milliseconds(50);
  double cpu_us = 0;
  double wall_us = 0;
  for (auto _ : state) {
    streamlab::BoundedQueue<int> queue{16};
    std::chrono::nanoseconds used{};
    const auto start = std::chrono::steady_clock::now();
    std::thread consumer([&] {
      const auto before = streamlab::thread_cpu_time();
      queue.pop();
      used = streamlab::thread_cpu_time() - before;
    });
    std::this_thread::sleep_for(wait);
    queue.push(1);
    consumer.join();
    cpu_us += std::chrono::duration<double, std::micro>(used).count();
    wall_us += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["blocked_cpu_us"] = cpu_us / n;
  state.counters["cpu_share"] = cpu_us / wall_us;
}
BENCHMARK(blocked_consumer_cpu)->Iterations(10)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
