// KeyedPipeline<T>: source → in-order stage → keyed parallel workers → in-order sink, on threads joined by bounded
// queues.
#pragma once

#include "streamlab/adaptive_batcher.hpp"
#include "streamlab/chunked_queue.hpp"
#include "streamlab/keyed_fan_out.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/quantile.hpp"
#include "streamlab/stage_group.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

namespace detail {
// "1,234,567 rows read (21% of the input), 9.81 M rows/s" (no percent unless 0 <= fraction <= 1).
std::string progress_text(std::uint64_t items, std::string_view name, double fraction, double seconds);
// "source 208 ms, transform 70 ms, process 265 ms, sink 101 ms"
std::string cpu_times_text(const std::vector<StageCpuTime>& times);
}  // namespace detail

/// What one run of a pipeline measured (KeyedPipeline::metrics()): its input rate and throughput,
/// the latency of its batches, the process's peak memory and each stage's CPU time. A plain value,
/// taken once the run is over: print it (`measured`, in the lesson kit's output.hpp) or write it
/// into a summary (`write_metrics`, summary_json.hpp).
struct PipelineMetrics {
  std::uint64_t records_read = 0;         ///< records the source read, the rejected ones included
  std::uint64_t records_written = 0;      ///< items the sink got
  double source_seconds = 0;              ///< how long the source ran
  double elapsed_seconds = 0;             ///< how long the whole run took
  std::uint64_t batches = 0;              ///< batches formed
  double latency_p50_ms = 0;              ///< a batch's median latency, from the batcher until the sink is done with it
  double latency_p99_ms = 0;              ///< its 99th percentile
  std::uint64_t peak_rss_bytes = 0;       ///< the process's peak resident memory when the metrics were taken
  std::vector<StageCpuTime> cpu_times{};  ///< each stage's CPU time: source, transform, process, sink

  /// Records read per second of the source's time (0 if it took no measurable time).
  double input_rate() const noexcept {
    return source_seconds > 0 ? static_cast<double>(records_read) / source_seconds : 0.0;
  }
  /// Records written per second of the whole run (0 if it took no measurable time).
  double throughput() const noexcept {
    return elapsed_seconds > 0 ? static_cast<double>(records_written) / elapsed_seconds : 0.0;
  }
  /// cpu_times as text: `source 208 ms, transform 70 ms, process 265 ms, sink 101 ms`.
  std::string cpu_times_text() const { return detail::cpu_times_text(cpu_times); }
};

/// A concurrent streaming pipeline of one common shape, the machinery included, so that a program
/// only writes its stages (as `tbb::parallel_pipeline` or a Flink job does):
///
/// 1. **source** — one thread reads the input and pushes items (a ChunkedQueue carries them on,
///    4096 at a time: one lock and no copy per chunk);
/// 2. **in_order** — one thread groups the items into batches by count or time (AdaptiveBatcher,
///    next_batch) and sees each batch in input order: running statistics, enrichment;
/// 3. **process** — `workers` threads; each batch is split by key (KeyedFanOut), every item of a
///    key to the same worker, in order, so a worker may keep state per key (a model per sensor);
///    a worker writes its output rows into its part's RowWriter;
/// 4. **sink** — one thread gets each batch back in input order, its parts and their rows merged:
///    the output is the same with 1 or N workers.
///
/// The end of the input flows downstream (each stage drains, then ends); if any stage throws,
/// every queue is cancelled, every thread returns, and run() returns the failure (StageGroup).
/// Memory is bounded: the queue, and a pool of batch parts reused from batch to batch.
/// After run(): how many batches, their latency (from the batcher until the sink is done with
/// them, p50 and p99, in ms) and each stage's CPU time — or all of it as one value, metrics().
///
/// Keys are small numbers — a Dictionary id, say: the worker of key k is `k mod workers`, worked
/// out once per key. Not thread-safe itself: construct it and call run() on one thread.
///
/// **Example**
/// \code
/// streamlab::KeyedPipeline<Reading> pipeline{{.workers = 2}};
/// auto failure = pipeline.run({
///     .source = [&](auto& out) { while (auto r = read_one()) if (!out.push(*r)) return; },
///     .in_order = [&](std::vector<Reading>& batch) { for (Reading& r : batch) enrich(r); },
///     .key = [](const Reading& r) { return r.sensor; },
///     .process = [&](std::size_t worker, auto& part) { for (Reading& r : part.items) score(worker, r, part.rows); },
///     .sink = [&](auto parts, std::string_view rows) { file.write(rows); },
/// });
/// \endcode
template <typename T>
class KeyedPipeline {
 public:
  /// One worker's share of a batch: its items and the rows it writes for them.
  using Part = typename KeyedFanOut<T>::Part;

  /// The sizes of things.
  struct Settings {
    std::size_t workers = 1;                      ///< process threads (1 to 256)
    std::size_t batch_size = 8192;                ///< the most items a batch holds
    std::chrono::milliseconds batch_timeout{50};  ///< a partial batch leaves after this long
    std::size_t queue_capacity = 8192;            ///< items the source may read ahead
    std::size_t chunk_size = 4096;                ///< items moved from the source at once
    std::size_t parts_in_flight = 0;              ///< batch parts that exist at once (0: 4 × workers + 4)
    /// For tests of a program's failure handling: the stage of this name (`source`, `transform`,
    /// `process` or `sink`) throws std::runtime_error when its `fail_at`-th item comes. None: "".
    std::string fail_stage{};
    std::uint64_t fail_at = 1000;  ///< see fail_stage
    /// A progress line on stderr, when it is a terminal: items read so far and their rate, named so
    /// ("rows"). Empty: no progress line.
    std::string progress_items{};
  };

  /// The source's side of the first queue (used on the source's thread).
  class Output {
   public:
    /// Adds an item. False once a later stage has failed: the source should return.
    bool push(T item) {
      if (++pushed_ == fail_at_) owner_.fail_if("source");
      if (pushed_ % 4096 == 0 && progress_.due()) show_progress();
      return owner_.items_.push(std::move(item));
    }
    /// Hands on the items gathered so far: call it before a read that may wait (a slow pipe),
    /// so that they do not wait with it. False once a later stage has failed.
    bool flush() { return owner_.items_.flush(); }

   private:
    friend class KeyedPipeline;
    Output(KeyedPipeline& owner, std::function<double()> fraction_read)
        : owner_(owner), fail_at_(owner.settings_.fail_at), fraction_read_(std::move(fraction_read)) {}
    void show_progress() {
      if (owner_.settings_.progress_items.empty()) return;
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      progress_.show(detail::progress_text(pushed_, owner_.settings_.progress_items,
                                           fraction_read_ ? fraction_read_() : -1.0, seconds));
    }
    KeyedPipeline& owner_;
    std::uint64_t pushed_ = 0;
    const std::uint64_t fail_at_;
    std::function<double()> fraction_read_;
    ProgressLine progress_;  // erased when the source is done
    const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  };

  /// What run() runs; every function is called on its stage's thread(s).
  struct Stages {
    std::function<void(Output&)> source{};                               ///< reads everything, then returns
    std::function<void(std::vector<T>&)> in_order{};                     ///< each batch, in input order
    std::function<std::uint32_t(const T&)> key{};                        ///< an item's key (not called with 1 worker)
    std::function<void(std::size_t worker, Part&)> process{};            ///< worker `worker`'s part of a batch
    std::function<void(std::span<Part>, std::string_view rows)> sink{};  ///< each batch in input order
    std::function<double()> fraction_read{};  ///< optional: how much of the input is read (0 to 1), for progress
  };

  /// A pipeline with these settings (std::invalid_argument on a size of 0 or more than 256 workers).
  explicit KeyedPipeline(Settings settings)
      : settings_(settings),
        items_(settings.queue_capacity, settings.chunk_size),
        fan_out_(settings.workers, settings.parts_in_flight) {
    if (settings.batch_size == 0) throw std::invalid_argument("KeyedPipeline: batch size must be at least 1");
  }

  /// Runs every stage on its threads until the source's input is all written, or a stage fails
  /// (its failure is returned, the other stages stopped). Once per pipeline.
  std::optional<StageFailure> run(Stages stages) {
    if (ran_) throw std::logic_error("KeyedPipeline::run: a pipeline runs once");
    ran_ = true;
    const auto start = std::chrono::steady_clock::now();
    StageGroup group;
    group.on_failure([this] {
      items_.cancel();
      fan_out_.cancel();
    });
    group.run("source", [&] {
      const auto source_start = std::chrono::steady_clock::now();
      Output out{*this, stages.fraction_read};
      stages.source(out);
      items_.close();  // the end of the input flows downstream
      counts_.source = out.pushed_;
      source_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - source_start).count();
    });
    group.run("transform", [&] { batch_stage(stages); });
    for (std::size_t w = 0; w < settings_.workers; ++w) {
      group.run("process", [&, w] {
        std::uint64_t seen = 0;
        fan_out_.work(w, [&](Part& part) {
          fail_if_crossed("process", seen, part.items.size());
          stages.process(w, part);
        });
        processed_[w] = seen;
      });
    }
    group.run("sink", [&] {
      std::uint64_t seen = 0;
      while (auto parts = fan_out_.next_in_order()) {
        std::size_t items = 0;
        for (const Part& part : *parts) items += part.items.size();
        fail_if_crossed("sink", seen, items);
        stages.sink(*parts, fan_out_.rows_in_order());
        const auto sent = (*parts)[0].sent;
        fan_out_.release();  // the parts go back at once: the batching thread may be waiting for one
        counts_.sink = seen;
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
        latency_p50_.add(ms);
        latency_p99_.add(ms);
      }
    });
    group.join();
    elapsed_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const std::uint64_t n : processed_) counts_.process += n;
    cpu_times_ = group.cpu_times();
    return group.failure();
  }

  /// Items each stage took in, counted by the stage itself (after run(); a failed run stops short).
  struct Counts {
    std::uint64_t source = 0;     ///< items the source pushed
    std::uint64_t transform = 0;  ///< items in the batches given to in_order
    std::uint64_t process = 0;    ///< items in the parts given to process, all workers
    std::uint64_t sink = 0;       ///< items in the batches given to sink
  };
  /// How many items each stage took in.
  const Counts& counts() const noexcept { return counts_; }
  /// How long the source ran, in seconds: the input rate is what it read divided by this.
  double source_seconds() const noexcept { return source_seconds_; }
  /// How long run() took, in seconds: the throughput is what the sink got divided by this.
  double elapsed_seconds() const noexcept { return elapsed_seconds_; }
  /// Batches formed.
  std::uint64_t batches() const noexcept { return fan_out_.batches_sent(); }
  /// The median latency of a batch, from the batcher until the sink is done with it, in ms (0: no batch).
  double latency_p50_ms() const { return latency_p50_.count() > 0 ? latency_p50_.value() : 0.0; }
  /// The 99th percentile of that latency, in ms.
  double latency_p99_ms() const { return latency_p99_.count() > 0 ? latency_p99_.value() : 0.0; }
  /// Each stage's CPU time: source, transform, process (all workers), sink.
  const std::vector<StageCpuTime>& cpu_times() const noexcept { return cpu_times_; }
  /// cpu_times() as text: `source 208 ms, transform 70 ms, process 265 ms, sink 101 ms`.
  std::string cpu_times_text() const { return detail::cpu_times_text(cpu_times_); }
  /// All of the above as one value, with the process's peak memory now. `records_read` is what the
  /// source read, rejected records included: the pipeline itself counts only the items pushed.
  PipelineMetrics metrics(std::uint64_t records_read) const {
    return {.records_read = records_read,
            .records_written = counts_.sink,
            .source_seconds = source_seconds_,
            .elapsed_seconds = elapsed_seconds_,
            .batches = batches(),
            .latency_p50_ms = latency_p50_ms(),
            .latency_p99_ms = latency_p99_ms(),
            .peak_rss_bytes = peak_rss_bytes(),
            .cpu_times = cpu_times_};
  }
  /// The settings.
  const Settings& settings() const noexcept { return settings_; }

 private:
  void batch_stage(Stages& stages) {
    AdaptiveBatcher<T> batcher{settings_.batch_size, settings_.batch_timeout};
    std::vector<std::uint8_t> worker_of_key;  // key → worker, worked out once per key
    const auto worker_of = [&](const T& item) -> std::size_t {
      const std::uint32_t key = stages.key(item);
      if (key >= (1u << 20)) return key % settings_.workers;  // not a small number: no table for it
      if (key >= worker_of_key.size()) {
        for (std::size_t k = worker_of_key.size(); k <= key; ++k)
          worker_of_key.push_back(static_cast<std::uint8_t>(k % settings_.workers));
      }
      return worker_of_key[key];
    };
    std::uint64_t& seen = counts_.transform;
    while (auto batch = next_batch(items_, batcher)) {
      fail_if_crossed("transform", seen, batch->size());
      stages.in_order(*batch);
      if (!fan_out_.send(*batch, worker_of)) return;
      batcher.recycle(std::move(*batch));  // its memory holds a later batch
    }
    fan_out_.close();
  }

  void fail_if(const char* stage) const {
    if (settings_.fail_stage == stage) throw std::runtime_error(std::string("injected failure in ") + stage);
  }
  // `seen` items of this stage so far, `more` about to come: fails if the fail_at-th is among them.
  void fail_if_crossed(const char* stage, std::uint64_t& seen, std::size_t more) const {
    if (seen < settings_.fail_at && seen + more >= settings_.fail_at) fail_if(stage);
    seen += more;
  }

  Settings settings_;
  ChunkedQueue<T> items_;
  KeyedFanOut<T> fan_out_;
  P2Quantile latency_p50_{0.5}, latency_p99_{0.99};
  std::vector<StageCpuTime> cpu_times_;
  std::vector<std::uint64_t> processed_ = std::vector<std::uint64_t>(settings_.workers);  // per worker
  Counts counts_;
  double source_seconds_ = 0, elapsed_seconds_ = 0;
  bool ran_ = false;
};

}  // namespace streamlab
