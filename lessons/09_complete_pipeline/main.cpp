// Lesson 09 · Complete pipeline — the seed's eight stages as one concurrent program over sensor
// readings: a CSV source, parsing and filtering with a dead-letter file, normalising, adaptive
// batches, an online model per sensor that learns as data arrives, per-sensor statistics and an
// output file written atomically; with Ctrl-C, failures and closed pipes handled.
//
// Run:    scripts/run-lessons 9        (or build/release/lessons/09_complete_pipeline --help)
//         build/release/lessons/09_complete_pipeline --input readings.csv --output scored.csv
// Golden: expected_output/09_complete_pipeline.txt
//
// Exit status: 0 done; 1 a stage failed (its name and error on stderr, partial counts on stdout,
// no output file) or a file could not be made or written; 2 bad option or unreadable input; 130
// interrupted by Ctrl-C (what was read is processed and written, and the summary says
// "Interrupted"; during the data generation nothing is kept). Every exit removes the temporary
// folder and the `*.tmp-*` files.
// For tests only: the hidden option `--fail-stage NAME` (source, parse, filter, transform, batch,
// process, aggregate, sink) makes that stage throw at its 1000th reading.
#include "streamlab/adaptive_batcher.hpp"
#include "streamlab/atomic_file.hpp"
#include "streamlab/bounded_queue.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/number_text.hpp"
#include "streamlab/output.hpp"
#include "streamlab/quantile.hpp"
#include "streamlab/random.hpp"
#include "streamlab/stage_group.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/temp_dir.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using streamlab::BoundedQueue;
using streamlab::RowError;

constexpr int exit_failed = 1;
constexpr int exit_interrupted = 130;           // 128 + SIGINT, as shells report it
constexpr std::size_t max_record_bytes = 4096;  // a longer line is a bad row, not a memory hog
constexpr std::uint64_t fail_at = 1000;         // --fail-stage throws at this reading

struct Options {
  std::string input;  // empty: generate data; "-": stdin
  std::string output;
  std::string dead_letter;
  std::string summary_json;
  std::int64_t rows = 200'000;
  std::uint64_t seed = 42;
  std::int64_t batch_size = 8192;  // bigger: fewer thread wake-ups; smaller: less memory and latency
  std::int64_t batch_timeout_ms = 50;
  std::int64_t queue_capacity = 8192;
  int workers = 1;
  std::string fail_stage;  // hidden, for tests
};

// ---- Ctrl-C: the handler only sets a flag (async-signal-safe); the data generator and the source check it ----
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void on_sigint(int) { interrupted.store(true, std::memory_order_relaxed); }

//! [handler]
// Installed first thing in main, before any file is made. The handler stays installed: a second
// Ctrl-C only sets the flag again, because ending the program at once would leave the temporary
// folder and the half-written `*.tmp-*` files behind; the program is already stopping.
// SA_RESTART: a read or write the signal lands in carries on instead of failing with EINTR.
void install_sigint_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
}
//! [handler]

// ---- The data ----

//! [reading]
// One reading as it travels through the stages. Plain data: cheap to move in batches.
struct Reading {
  std::uint64_t line = 0;  // where it came from, for the output and for error messages
  std::int64_t timestamp_ms = 0;
  std::uint64_t sensor = 0;
  double value = 0;
  double zscore = 0;       // 4. Transform: against the sensor's running statistics
  double prediction = 0;   // 6. Process: the model's forecast, made before it learns the value
  bool predicted = false;  // false for a sensor's first reading (nothing to predict from)
  bool anomaly = false;
};

// One worker's part of a batch: the readings of the sensors that worker owns, in input order.
struct Batch {
  std::uint64_t sequence = 0;  // which batch it is a part of: the sink puts the parts back together
  std::size_t worker = 0;      // which part
  std::vector<Reading> readings;
  Clock::time_point formed;              // when the batcher let the batch go: latency is measured from here
  std::string lines;                     // the readings as output CSV lines, rendered by the worker (and room for more)
  std::vector<std::uint32_t> line_ends;  // where each line ends in `lines`: the last is the end of the text
  std::vector<std::uint8_t> route;       // part 0 only, with 2+ workers: the part of each reading, in input order

  // The rendered lines (`lines` holds room for more after them).
  std::string_view text() const { return {lines.data(), line_ends.empty() ? 0 : line_ends.back()}; }
};
//! [reading]

constexpr int sensor_count = 16;

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// State kept per sensor and looked up for every reading: a vector indexed by the id for the small
// ids sensor fleets use, a map for any others. Three lookups a reading are an index each, not a
// hash map's 64-bit division by its bucket count.
template <typename T>
class PerSensor {
 public:
  T& operator[](std::uint64_t id) {
    if (id >= direct_limit) return others_[id];
    if (id >= direct_.size()) direct_.resize(id + 1);
    std::optional<T>& slot = direct_[id];
    if (!slot) {
      slot.emplace();
      ++direct_count_;
    }
    return *slot;
  }
  std::size_t size() const noexcept { return direct_count_ + others_.size(); }
  struct Entry {
    std::uint64_t id;
    const T& state;
  };
  // Every sensor seen, in id order.
  std::vector<Entry> in_order() const {
    std::vector<Entry> all;
    for (std::uint64_t id = 0; id < direct_.size(); ++id) {
      if (direct_[id]) all.push_back(Entry{id, *direct_[id]});
    }
    for (const auto& [id, state] : others_) all.push_back(Entry{id, state});
    return all;
  }

 private:
  static constexpr std::uint64_t direct_limit = 4096;
  std::vector<std::optional<T>> direct_;
  std::size_t direct_count_ = 0;
  std::map<std::uint64_t, T> others_;
};

struct Generated {
  std::uint64_t rows = 0;    // rows written
  std::uint64_t spikes = 0;  // spikes put in
  bool complete = false;     // false: stopped by Ctrl-C, and the partial file removed
};

// The generated data set: 16 sensors, each a level plus a slow wave plus noise, with rare spikes
// (the anomalies the model should flag) and about 1 row in 500 broken in one of the ways a real
// file breaks. Progress on stderr when it is a terminal; Ctrl-C stops it, and the AtomicFile,
// never committed, removes its temporary file.
Generated write_data(const fs::path& path, std::int64_t rows, std::uint64_t seed) {
  streamlab::Random rng{seed};
  streamlab::AtomicFile file{path};
  streamlab::ProgressLine progress;
  file.write("timestamp_ms,sensor_id,value\n");
  std::uint64_t spikes = 0;
  int broken = 0;
  for (std::int64_t i = 0; i < rows; ++i) {
    if (i % 4096 == 0) {  // a few milliseconds of work: often enough for Ctrl-C, rare enough to cost nothing
      if (interrupted.load(std::memory_order_relaxed)) return {static_cast<std::uint64_t>(i), spikes, false};
      if (progress.due()) {
        progress.show(fmt::format("generating data: {} of {} rows", with_commas(static_cast<std::uint64_t>(i)),
                                  with_commas(static_cast<std::uint64_t>(rows))));
      }
    }
    const std::int64_t ts = 1'700'000'000'000 + i * 10;
    const int sensor = static_cast<int>(i % sensor_count);
    const double t = static_cast<double>(i / sensor_count);
    const double value = 20.0 + 2.5 * sensor + 5.0 * std::sin(t / 150.0 + sensor) + rng.normal(0.0, 0.5);
    if (i > 0 && rng.bernoulli(0.002)) {
      switch (broken++ % 7) {  // each kind of bad row in turn
        case 0:
          file.write(fmt::format("{},{}\n", ts, sensor));
          break;  // wrong_field_count
        case 1:
          file.write(fmt::format("{},,{:.3f}\n", ts, value));
          break;  // empty_field
        case 2:
          file.write(fmt::format("{},{},n/a\n", ts, sensor));
          break;  // not_a_number
        case 3:
          file.write(fmt::format("{},-{},{:.3f}\n", ts, sensor, value));
          break;  // out_of_range
        case 4:
          file.write(fmt::format("{},{},nan\n", ts, sensor));
          break;  // non_finite
        case 5:
          file.write(fmt::format("{},{},{}\n", ts, sensor, std::string(5000, '9')));
          break;  // line_too_long
        default:
          file.write(fmt::format("{},{},1{}5\n", ts, sensor, '\0'));
          break;  // nul_byte
      }
    } else if (rng.bernoulli(0.002)) {
      ++spikes;
      file.write(fmt::format("{},{},{:.3f}\n", ts, sensor, value + (rng.bernoulli(0.5) ? 12.0 : -12.0)));
    } else {
      file.write(fmt::format("{},{},{:.3f}\n", ts, sensor, value));
    }
  }
  file.write(fmt::format("{},0,\"12.5\n", 1'700'000'000'000 + rows * 10));  // unterminated_quote, last
  file.commit();
  return {static_cast<std::uint64_t>(rows), spikes, true};
}

// ---- What the stages count (each counter is written by one thread, read after join) ----

struct SensorResult {
  streamlab::OnlineStats values;
  std::uint64_t anomalies = 0;
  double model_error = 0;  // Σ|value − prediction| over predicted readings
  std::uint64_t predicted = 0;
  double baseline_error = 0;  // Σ|value − running mean before it|: what a model that never adapts gets
  std::uint64_t baselined = 0;
};

struct Counts {
  std::uint64_t records = 0;  // 1. records the reader returned, good and bad
  std::uint64_t bytes = 0;
  std::array<std::uint64_t, streamlab::row_error_count> rejected{};  // 2.–3. by reason
  std::uint64_t parse_rejected = 0;
  std::uint64_t filter_rejected = 0;
  std::uint64_t valid = 0;               // readings the source passed on
  std::uint64_t transformed = 0;         // 4.
  std::uint64_t batches = 0;             // 5.
  std::vector<std::uint64_t> processed;  // 6. per worker
  std::uint64_t aggregated = 0;          // 7.
  std::uint64_t written = 0;             // 8.
  PerSensor<SensorResult> sensors;
  streamlab::P2Quantile latency_p50{0.5}, latency_p99{0.99};
  double source_seconds = 0;
  std::vector<streamlab::StageCpuTime> cpu_by_stage;  // filled by run() after the join
};

[[noreturn]] void injected(const char* stage) {
  throw std::runtime_error(fmt::format("injected failure in {} (--fail-stage)", stage));
}

// CSV text: quoted, quotes doubled, control characters shown as '?', so one bad row is one line.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"')
      out += "\"\"";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += '?';
    else
      out += c;
  }
  return out + "\"";
}

//! [render]
// One output CSV line per reading, written with number_text.hpp rather than fmt::format_to: the
// same text, 3–5 times faster, and at millions of rows a second formatting numbers is most of the
// cost of writing them. The workers call it (see process()), so this work is spread over them
// instead of piling up in the one sink thread. The lines are written in place in `text`, one
// after another; `text` only ever grows, so a recycled batch has room already and no line is
// built elsewhere and copied. `ends` says where each line ends; the last is the end of the text.
void render_lines(const std::vector<Reading>& readings, std::string& text, std::vector<std::uint32_t>& ends) {
  using namespace streamlab;
  constexpr std::size_t max_line =
      3 * max_integer_chars + max_shortest_chars + 2 * max_fixed_chars + 8;  // 7 fields, 6 commas, '\n'
  ends.clear();
  std::size_t used = 0;
  for (const Reading& r : readings) {
    if (text.size() < used + max_line) text.resize(std::max(2 * text.size(), used + max_line));
    char* const line = text.data() + used;
    char* p = write_integer(line, r.line);
    *p++ = ',';
    p = write_integer(p, r.timestamp_ms);
    *p++ = ',';
    p = write_integer(p, r.sensor);
    *p++ = ',';
    p = write_shortest(p, r.value);  // reads back as the very value that was read
    *p++ = ',';
    p = write_fixed(p, r.zscore, 4);
    *p++ = ',';
    if (r.predicted) p = write_fixed(p, r.prediction, 4);
    *p++ = ',';
    *p++ = r.anomaly ? '1' : '0';
    *p++ = '\n';
    used = static_cast<std::size_t>(p - text.data());
    ends.push_back(static_cast<std::uint32_t>(used));  // a batch's text stays far below 4 GiB
  }
}
//! [render]

// ---- The pipeline ----

struct Pipeline {
  const Options& options;
  streamlab::CsvReader& reader;
  streamlab::AtomicFile& output;
  streamlab::AtomicFile& dead_letter;
  Counts counts;

  Pipeline(const Options& o, streamlab::CsvReader& r, streamlab::AtomicFile& out, streamlab::AtomicFile& dead)
      : options(o), reader(r), output(out), dead_letter(dead) {}

  // Source → Transform carries chunks of readings, not single readings: a chunk moves through the
  // queue as one vector (no copy of its readings, one lock for the lot). The capacity is in
  // chunks: --queue-capacity readings, rounded up to whole chunks.
  static constexpr std::size_t source_chunk = 4096;
  BoundedQueue<std::vector<Reading>> readings{(static_cast<std::size_t>(options.queue_capacity) + source_chunk - 1) /
                                              source_chunk};
  BoundedQueue<std::vector<Reading>> empty_chunks{8};  // Transform → Source, for reuse (see `used`)
  std::vector<std::unique_ptr<BoundedQueue<Batch>>> to_workers;
  BoundedQueue<Batch> processed{4};
  BoundedQueue<Batch> to_sink{4};
  // Parts are a fixed pool: Transform makes at most `part_pool` of them, and used parts go back
  // from Sink to Transform, which fills their vectors and strings again — no allocation (and no
  // page faults on fresh memory) per batch. When all of the pool is in flight, Transform waits
  // for a used part: the pool, smaller than the queues' room, is what bounds the batches in
  // flight (eight with one worker: as fast as more), and a run of more than a few batches uses
  // all of it, so peak memory does not grow with the input. `used` can hold the whole pool, so
  // the sink never has to free one.
  const std::size_t part_pool = 4 * static_cast<std::size_t>(options.workers) + 4;
  BoundedQueue<Batch> used{part_pool};
  std::atomic<std::size_t> workers_running{0};

  bool fails(std::string_view stage) const { return options.fail_stage == stage; }

  //! [source]
  // 1. Source, 2. Parse, 3. Filter — on one thread, because a CsvRow's fields are views into the
  // reader's buffer that the next record overwrites: convert them before reading on.
  void source() {
    const std::size_t ts_col = reader.require_column("timestamp_ms");
    const std::size_t sensor_col = reader.require_column("sensor_id");
    const std::size_t value_col = reader.require_column("value");
    const auto start = Clock::now();
    // A chunk Transform is done with, cleared and ready, or else a new one.
    auto next_chunk = [this] {
      if (auto spare = empty_chunks.try_pop()) return std::move(*spare);
      std::vector<Reading> fresh;
      fresh.reserve(source_chunk);
      return fresh;
    };
    std::vector<Reading> chunk = next_chunk();
    auto reject = [&](const streamlab::CsvRow& row, RowError reason, std::uint64_t& stage_count) {
      ++counts.rejected[streamlab::row_error_index(reason)];
      ++stage_count;
      dead_letter.write(fmt::format("{},{},{}\n", row.line(), streamlab::row_error_name(reason),
                                    quoted(row.raw().substr(0, streamlab::BadRow::max_text_bytes))));
    };
    while (!interrupted.load(std::memory_order_relaxed)) {  // Ctrl-C: stop reading, drain the rest
      // Hand the chunk on when it is full — push waits while the queue is full — or when the
      // reader has nothing left in its buffer: its next read may wait for a slow pipe, and the
      // readings should not wait with it (the batch timeout only starts once Transform has them).
      if (chunk.size() == source_chunk || (!chunk.empty() && reader.buffered_bytes() == 0)) {
        if (readings.push(std::move(chunk)) == streamlab::PushResult::closed) return;  // a later stage failed
        chunk = next_chunk();
      }
      auto row = reader.next();
      if (!row) break;
      if (++counts.records == fail_at && fails("source")) injected("source");
      // 2. Parse: the record's shape, then each field as its type.
      if (!row->ok()) {
        reject(*row, *row->error(), counts.parse_rejected);
        continue;
      }
      const auto ts = row->get<std::int64_t>(ts_col);
      const auto sensor = row->get<std::uint64_t>(sensor_col);
      const auto value = row->get<double>(value_col);
      if (counts.records == fail_at && fails("parse")) injected("parse");
      const auto error = streamlab::first_error(ts, sensor, value);
      // 3. Filter: numbers that parsed but cannot be readings (NaN, ∞, negative id, 1e400).
      if (counts.records == fail_at && fails("filter")) injected("filter");
      if (error == RowError::non_finite || error == RowError::out_of_range) {
        reject(*row, *error, counts.filter_rejected);
        continue;
      }
      if (error) {
        reject(*row, *error, counts.parse_rejected);
        continue;
      }
      chunk.push_back(Reading{row->line(), ts.value, sensor.value, value.value});
      ++counts.valid;
    }
    if (!chunk.empty()) readings.push(std::move(chunk));
    readings.close();  // end of stream: the next stage drains the queue and ends
    counts.bytes = reader.bytes_read();
    counts.source_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  //! [source]

  //! [transform]
  // 4. Transform and 5. Batch — one thread that sees every reading in input order: the z-score
  // uses the sensor's running statistics *before* this value, then the reading goes to the
  // adaptive batcher. A batch that is due is split into one part per worker: each sensor's
  // readings go to the worker that owns the sensor (sensor_id mod workers), so they stay in order
  // on one worker whatever the number of workers.
  void transform() {
    const auto workers = to_workers.size();
    streamlab::AdaptiveBatcher<Reading> batcher{static_cast<std::size_t>(options.batch_size),
                                                std::chrono::milliseconds(options.batch_timeout_ms)};
    // Each sensor's running statistics, and its worker: worked out once per sensor rather than
    // with a 64-bit division (the `mod`) for every reading.
    struct SensorState {
      streamlab::OnlineStats stats;
      std::size_t worker = 0;
    };
    PerSensor<SensorState> sensors;
    std::size_t parts_made = 0;
    // A part to fill: one the sink is done with (its vectors and strings are filled again), or a
    // new one while the pool is not all made, or else the next used one, waiting for it; none
    // when a stage has failed and closed the queues.
    auto new_part = [&](std::uint64_t sequence, Clock::time_point formed) -> std::optional<Batch> {
      std::optional<Batch> part = used.try_pop();
      if (!part && parts_made < part_pool) {
        ++parts_made;
        part.emplace();
      }
      if (!part) part = used.pop();
      if (!part) return std::nullopt;
      part->readings.clear();
      part->route.clear();
      part->sequence = sequence;
      part->formed = formed;
      return part;
    };
    std::vector<Batch> parts(workers);
    // Every part is sent, empty ones too: the sink waits for all the parts of a batch.
    auto send = [&](std::vector<Reading>&& batch) {
      if (counts.batches + 1 == 2 && fails("batch")) injected("batch");
      const std::uint64_t sequence = counts.batches++;
      const auto formed = Clock::now();
      for (std::size_t w = 0; w < workers; ++w) {
        auto part = new_part(sequence, formed);
        if (!part) return false;
        parts[w] = std::move(*part);
        parts[w].worker = w;
      }
      if (workers == 1) {
        parts[0].readings.swap(batch);  // the whole batch is the one part: no copy
      } else {
        for (const Reading& r : batch) {
          const std::size_t w = sensors[r.sensor].worker;
          parts[w].readings.push_back(r);
          parts[0].route.push_back(static_cast<std::uint8_t>(w));  // --workers is at most 64
        }
      }
      batcher.recycle(std::move(batch));  // cleared by the batcher, to hold a later batch
      for (std::size_t w = 0; w < workers; ++w) {
        if (to_workers[w]->push(std::move(parts[w])) == streamlab::PushResult::closed) return false;
      }
      return true;
    };
    auto send_due = [&] {
      auto due = batcher.flush_if_due();
      return !due || send(std::move(*due));
    };
    bool open = true;
    while (open) {
      // Wait for readings, but only until the pending batch is due (the timeout flush).
      auto in = readings.pop_until(batcher.deadline());
      if (!in) {
        if (readings.done()) break;
        open = send_due();
        continue;
      }
      const auto arrived = Clock::now();  // one clock read for the whole chunk, not one per reading
      for (Reading& r : *in) {
        if (++counts.transformed == fail_at && fails("transform")) injected("transform");
        SensorState& sensor = sensors[r.sensor];
        if (sensor.stats.count() == 0) sensor.worker = r.sensor % workers;
        const streamlab::OnlineStats& stats = sensor.stats;
        r.zscore = stats.count() >= 2 ? (r.value - stats.mean()) / stats.stddev() : 0.0;
        sensor.stats.add(r.value);
        if (auto batch = batcher.add(r, arrived); batch && !send(std::move(*batch))) return;
      }
      in->clear();
      empty_chunks.try_push(std::move(*in));  // back to Source for reuse; when that queue is full, freed
      open = send_due();
    }
    if (auto rest = batcher.flush()) send(std::move(*rest));
    for (auto& queue : to_workers) queue->close();
  }
  //! [transform]

  //! [model]
  // 6. Process — the model of one sensor, learning as it goes (test-then-train): it forecasts the
  // next value as an exponential moving average, and only then learns the value; a reading whose
  // forecast error is more than 5 standard deviations of the sensor's past errors is an anomaly
  // (and is kept out of those errors, so one spike does not hide the next).
  struct Model {
    streamlab::ExponentialMovingAverage level{0.3};
    streamlab::OnlineStats errors;

    void score(Reading& r) {
      if (level.count() > 0) {
        r.prediction = level.value();
        r.predicted = true;
        const double error = r.value - r.prediction;
        r.anomaly = errors.count() >= 30 && std::abs(error) > 5.0 * errors.stddev();
        if (!r.anomaly) errors.add(error);
      }
      if (!r.anomaly) level.add(r.value);
    }
  };
  //! [model]

  void process(std::size_t worker) {
    PerSensor<Model> models;  // only this worker's sensors
    std::uint64_t& done = counts.processed[worker];
    while (auto batch = to_workers[worker]->pop()) {
      for (Reading& r : batch->readings) {
        if (++done == fail_at && fails("process")) injected("process");
        models[r.sensor].score(r);
      }
      render_lines(batch->readings, batch->lines, batch->line_ends);  // the sink's formatting, done here in parallel
      if (processed.push(std::move(*batch)) == streamlab::PushResult::closed) break;
    }
    if (--workers_running == 0) processed.close();  // the workers share one output queue: the last one closes it
  }

  // 7. Aggregate — per-sensor statistics and the model's error against a baseline.
  // Progress goes to stderr about once a second, only when stderr is a terminal.
  void aggregate() {
    streamlab::ProgressLine progress;  // erased when it goes out of scope
    while (auto batch = processed.pop()) {
      for (const Reading& r : batch->readings) {
        if (++counts.aggregated == fail_at && fails("aggregate")) injected("aggregate");
        SensorResult& s = counts.sensors[r.sensor];
        if (s.values.count() > 0) {
          s.baseline_error += std::abs(r.value - s.values.mean());
          ++s.baselined;
        }
        s.values.add(r.value);
        if (r.predicted) {
          s.model_error += std::abs(r.value - r.prediction);
          ++s.predicted;
        }
        if (r.anomaly) ++s.anomalies;
      }
      if (progress.due()) progress.show(fmt::format("{} readings processed", with_commas(counts.aggregated)));
      if (to_sink.push(std::move(*batch)) == streamlab::PushResult::closed) return;
    }
    to_sink.close();
  }

  //! [sink]
  // 8. Sink — puts each batch back together from its parts and writes it to the temporary output
  // file (renamed into place by main), in input order: the file is the same with 1 or N workers,
  // whichever worker finishes first. The workers have rendered the lines already: the sink is one
  // thread for the whole stream, so it does only what must be done in order.
  void sink() {
    const std::size_t workers = to_workers.size();
    struct Parts {
      std::vector<Batch> by_worker;
      std::size_t arrived = 0;
    };
    std::map<std::uint64_t, Parts> waiting;  // batches not yet complete, by sequence
    std::uint64_t next = 0;                  // the batch to write next
    std::string merged;                      // a batch's lines in input order
    std::vector<std::size_t> next_line;      // per part: the next line to take
    while (auto part = to_sink.pop()) {
      Parts& parts = waiting[part->sequence];
      parts.by_worker.resize(workers);
      const std::size_t worker = part->worker;
      parts.by_worker[worker] = std::move(*part);
      ++parts.arrived;
      for (auto done = waiting.find(next); done != waiting.end() && done->second.arrived == workers;
           done = waiting.find(++next)) {
        write_batch(done->second.by_worker, merged, next_line);
        // One latency per batch, once all its parts are written (not one per part: with N workers
        // that would count each batch N times, and its fastest part too).
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - done->second.by_worker[0].formed).count();
        counts.latency_p50.add(ms);
        counts.latency_p99.add(ms);
        for (Batch& used_part : done->second.by_worker)
          used.try_push(std::move(used_part));  // to Transform: never full
        waiting.erase(done);
      }
    }
  }

  void write_batch(const std::vector<Batch>& parts, std::string& merged, std::vector<std::size_t>& next_line) {
    std::uint64_t rows = 0;
    for (const Batch& part : parts) rows += part.readings.size();
    if (counts.written < fail_at && counts.written + rows >= fail_at && fails("sink")) injected("sink");
    if (parts.size() == 1) {
      output.write(parts[0].text());
    } else {
      // Merge: each part is in input order (a sensor's readings stay on one worker), and the route
      // says which part holds the batch's next reading.
      merged.clear();
      next_line.assign(parts.size(), 0);
      for (const std::uint8_t p : parts[0].route) {
        const Batch& part = parts[p];
        const std::size_t k = next_line[p]++;
        const std::size_t begin = k == 0 ? 0 : part.line_ends[k - 1];
        merged.append(part.lines, begin, part.line_ends[k] - begin);
      }
      output.write(merged);
    }
    counts.written += rows;
  }
  //! [sink]

  //! [run]
  // Starts one thread per stage (and --workers for Process). If any stage throws, StageGroup
  // closes every queue: pushes upstream fail, pops downstream drain, every thread returns.
  std::optional<streamlab::StageFailure> run() {
    const auto workers = static_cast<std::size_t>(options.workers);
    for (std::size_t w = 0; w < workers; ++w) to_workers.push_back(std::make_unique<BoundedQueue<Batch>>(4));
    counts.processed.assign(workers, 0);
    workers_running = workers;
    output.write("line,timestamp_ms,sensor_id,value,zscore,prediction,anomaly\n");
    dead_letter.write("line,reason,text\n");

    streamlab::StageGroup stages;
    stages.on_failure([this] {
      readings.close();
      for (auto& queue : to_workers) queue->close();
      processed.close();
      to_sink.close();
      used.close();
      empty_chunks.close();
    });
    stages.run("source", [this] { source(); });
    stages.run("transform", [this] { transform(); });
    for (std::size_t w = 0; w < workers; ++w) stages.run("process", [this, w] { process(w); });
    stages.run("aggregate", [this] { aggregate(); });
    stages.run("sink", [this] { sink(); });
    stages.join();
    counts.cpu_by_stage = stages.cpu_times();
    return stages.failure();
  }
  //! [run]
};

}  // namespace

namespace {

std::string rejected_list(const Counts& c, bool parse) {
  std::string out;
  for (RowError e : streamlab::all_row_errors) {
    const bool filter_reason = e == RowError::non_finite || e == RowError::out_of_range;
    const auto n = c.rejected[streamlab::row_error_index(e)];
    if (n == 0 || filter_reason == parse) continue;
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, streamlab::row_error_name(e));
  }
  return out.empty() ? "none" : out;
}

// Notice: the seed's eight stages, then what each one really did on this run — every reading is
// accounted for: read = rejected + valid, and valid = transformed = processed = aggregated = written.
void show_pipeline(const Options& options, const Counts& c, std::string_view input_name) {
  streamlab::section("Complete Streaming Pipeline");
  fmt::print("End-to-end streaming pipeline:\n\n");
  fmt::print("  1. Source: Read from files/API/database\n");
  fmt::print("  2. Parse: Extract structured data\n");
  fmt::print("  3. Filter: Remove invalid records\n");
  fmt::print("  4. Transform: Normalize and enrich\n");
  fmt::print("  5. Batch: Group for efficient processing\n");
  fmt::print("  6. Process: Apply ML models\n");
  fmt::print("  7. Aggregate: Compute statistics\n");
  fmt::print("  8. Sink: Write results\n\n");
  std::uint64_t processed = 0;
  for (auto n : c.processed) processed += n;
  fmt::print("What each stage did here ({} threads, joined by bounded queues):\n", 4 + options.workers);
  fmt::print("  1. Source: {} records from {}\n", with_commas(c.records), input_name);
  fmt::print("  2. Parse: {} rejected ({})\n", with_commas(c.parse_rejected), rejected_list(c, true));
  fmt::print("  3. Filter: {} rejected ({}); {} valid readings\n", with_commas(c.filter_rejected),
             rejected_list(c, false), with_commas(c.valid));
  // Without --dead-letter or --output the files are in the temporary folder: say so, rather than
  // print a name a student would look for in the current folder.
  fmt::print("     every rejected row, with its line number and reason → {}\n",
             options.dead_letter.empty() ? "a temporary file, deleted at exit — pass --dead-letter FILE to keep it"
                                         : options.dead_letter);
  fmt::print("  4. Transform: {} readings given a z-score against their sensor's running statistics\n",
             with_commas(c.transformed));
  fmt::print("  5. Batch: adaptive batches of up to {} readings or {} ms, each split by sensor among the workers\n",
             options.batch_size, options.batch_timeout_ms);
  fmt::print("  6. Process: {} readings scored by {} online model{} on {} worker{}\n", with_commas(processed),
             c.sensors.size(), c.sensors.size() == 1 ? "" : "s", options.workers, options.workers == 1 ? "" : "s");
  fmt::print("  7. Aggregate: {} readings into per-sensor statistics\n", with_commas(c.aggregated));
  if (options.output.empty()) {
    fmt::print("  8. Sink: {} rows → a temporary file, deleted at exit — pass --output FILE to keep it\n",
               with_commas(c.written));
  } else {
    fmt::print("  8. Sink: {} rows → {}, renamed into place when complete\n", with_commas(c.written), options.output);
  }
}

// Notice: the model predicts each reading before learning it, so its error is an honest forecast
// error; a model that never adapts (the running mean) does far worse on drifting data.
void show_model(const Counts& c, std::optional<std::uint64_t> spikes) {
  streamlab::section("Continuous learning: an online model per sensor");
  double model = 0, baseline = 0;
  std::uint64_t predicted = 0, baselined = 0, anomalies = 0;
  for (const auto& [id, s] : c.sensors.in_order()) {  // in sensor order: the same sums with any number of workers
    model += s.model_error;
    predicted += s.predicted;
    baseline += s.baseline_error;
    baselined += s.baselined;
    anomalies += s.anomalies;
  }
  const auto mean_of = [](double sum, std::uint64_t n) { return n == 0 ? 0.0 : sum / static_cast<double>(n); };
  fmt::print("Test-then-train: each reading is forecast first, then learnt.\n");
  fmt::print("  Mean absolute error, online model (moving average, α = 0.3): {:.3f}\n", mean_of(model, predicted));
  fmt::print("  Mean absolute error, running mean (never adapts):          {:.3f}\n", mean_of(baseline, baselined));
  fmt::print("  Anomalies flagged (error > 5 σ of past errors): {}", with_commas(anomalies));
  if (spikes) fmt::print(" (the generator put in {} spikes)", with_commas(*spikes));
  fmt::print("\n\nFirst sensors (count, mean, sample std dev, min, max, anomalies):\n");
  int shown = 0;
  for (const auto& [id, s] : c.sensors.in_order()) {
    if (++shown > 4) break;
    fmt::print("  sensor {:>2}: {:>6}  mean {:7.3f}  sd {:6.3f}  min {:7.3f}  max {:7.3f}  anomalies {}\n", id,
               s.values.count(), s.values.mean(), s.values.count() >= 2 ? s.values.stddev() : 0.0, s.values.min(),
               s.values.max(), s.anomalies);
  }
}

// Notice: the seed's example metrics, measured on this run (they vary from run to run).
void show_metrics(const Counts& c, double seconds) {
  fmt::print("\nExample metrics (measured on this run):\n");
  streamlab::measured("Input rate", c.source_seconds > 0 ? static_cast<double>(c.records) / c.source_seconds : 0,
                      "records/sec", 0);
  streamlab::measured("Processing latency per batch, p50", c.latency_p50.count() > 0 ? c.latency_p50.value() : 0, "ms",
                      2);
  streamlab::measured("Processing latency per batch, p99", c.latency_p99.count() > 0 ? c.latency_p99.value() : 0, "ms",
                      2);
  streamlab::measured("Batches", static_cast<double>(c.batches), "", 0);
  streamlab::measured("Peak memory", streamlab::to_mib(streamlab::peak_rss_bytes()), "MiB", 1);
  streamlab::measured("Throughput", seconds > 0 ? static_cast<double>(c.written) / seconds : 0, "records/sec", 0);
  // Where the time went: a thread waiting on a queue uses no CPU, so the stage with the most is
  // where making the code faster pays (with 4 + N threads on fewer cores, they also take turns).
  fmt::print("  CPU time by stage:");
  for (std::size_t i = 0; i < c.cpu_by_stage.size(); ++i) {
    const auto& [stage, cpu] = c.cpu_by_stage[i];
    fmt::print("{} {} {:.0f} ms", i == 0 ? "" : ",", stage, std::chrono::duration<double, std::milli>(cpu).count());
  }
  fmt::print("\n");
}

// Notice: each of the seed's practices, and the lesson that shows it.
void show_best_practices() {
  fmt::print("\n==================================================\n");
  fmt::print("✅ Streaming Best Practices\n");
  fmt::print("==================================================\n\n");
  fmt::print("1. Use generators for memory efficiency (lessons 01, 03)\n");
  fmt::print("2. Process in batches for performance (lessons 02, 08)\n");
  fmt::print("3. Implement proper error handling (lesson 03: bad rows as values; here: dead letters, failed stages)\n");
  fmt::print("4. Monitor memory usage and throughput (lessons 03, 07; here: the metrics above)\n");
  fmt::print("5. Handle backpressure gracefully (lesson 08: bounded queues)\n");
  fmt::print("6. Use appropriate buffer sizes (lesson 08; here: --queue-capacity, --batch-size)\n");
  fmt::print("7. Consider parallelism carefully (lesson 05; here: --workers, partitioned by sensor)\n");
}

// The whole summary as one JSON object; doubles printed shortest-round-trip; no value → null.
std::string summary_json(const Counts& c) {
  const auto number = [](double x) { return std::isfinite(x) ? fmt::format("{}", x) : std::string("null"); };
  std::string out = fmt::format("{{\"rows_read\": {}, \"rows_valid\": {}, \"rejected\": {{", c.records, c.valid);
  bool first = true;
  for (RowError e : streamlab::all_row_errors) {
    out += fmt::format("{}\"{}\": {}", first ? "" : ", ", streamlab::row_error_name(e),
                       c.rejected[streamlab::row_error_index(e)]);
    first = false;
  }
  out += "}, \"sensors\": {";
  first = true;
  for (const auto& [id, s] : c.sensors.in_order()) {
    out += fmt::format(
        "{}\"{}\": {{\"count\": {}, \"mean\": {}, \"variance\": {}, \"min\": {}, \"max\": {}, "
        "\"anomalies\": {}}}",
        first ? "" : ", ", id, s.values.count(), number(s.values.mean()), number(s.values.variance()),
        number(s.values.min()), number(s.values.max()), s.anomalies);
    first = false;
  }
  return out + "}}\n";
}

// stdout closed early (`| head`): stop quietly.
bool stdout_closed() { return std::fflush(stdout) != 0 && errno == EPIPE; }

int run(const CLI::App& app, const Options& options) {
  streamlab::TempDir temp{"lesson09"};  // removed, with all in it, on every way out of run()
  std::optional<std::uint64_t> spikes;
  fs::path input_path = options.input;
  std::string input_name = options.input == "-" ? "stdin" : options.input;
  if (options.input.empty()) {
    input_path = temp.path() / "readings.csv";
    const Generated data = write_data(input_path, options.rows, options.seed);
    if (!data.complete) {
      streamlab::banner("09 · Complete Pipeline");
      fmt::print(
          "\nInterrupted (Ctrl-C) while generating the data: {} of {} rows written, none processed.\n"
          "Nothing is kept: the partial file goes with the temporary folder.\n",
          with_commas(data.rows), with_commas(static_cast<std::uint64_t>(options.rows)));
      return exit_interrupted;
    }
    spikes = data.spikes;
    input_name = fmt::format("a generated temporary file ({} rows, seed {})",
                             with_commas(static_cast<std::uint64_t>(options.rows)), options.seed);
  }
  streamlab::CsvOptions csv;
  csv.max_record_bytes = max_record_bytes;
  std::optional<streamlab::CsvReader> reader;
  try {
    reader.emplace(options.input == "-" ? streamlab::CsvReader::from_stdin(csv)
                                        : streamlab::CsvReader::open(input_path, csv));
    if (reader->empty()) return streamlab::usage_error(app, fmt::format("{}: the input is empty", input_name));
    for (const char* column : {"timestamp_ms", "sensor_id", "value"}) reader->require_column(column);
  } catch (const std::exception& error) {
    return streamlab::usage_error(app, error.what());
  }
  const fs::path output_path = options.output.empty() ? temp.path() / "scored.csv" : fs::path(options.output);
  const fs::path dead_path =
      options.dead_letter.empty() ? temp.path() / "dead_letter.csv" : fs::path(options.dead_letter);
  std::optional<streamlab::AtomicFile> output, dead_letter, json;
  try {
    output.emplace(output_path);
    dead_letter.emplace(dead_path);
    if (!options.summary_json.empty()) json.emplace(options.summary_json);
  } catch (const std::exception& error) {
    return streamlab::usage_error(app, error.what());
  }

  const auto start = Clock::now();
  Pipeline pipeline{options, *reader, *output, *dead_letter};
  const auto failure = pipeline.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const Counts& counts = pipeline.counts;

  // The files: the output only when no stage failed (a Ctrl-C run keeps what it read); the dead
  // letters and the summary always (they are complete for the rows read).
  if (!failure) output->commit();
  dead_letter->commit();
  if (json) {
    json->write(summary_json(counts));
    json->commit();
  }

  streamlab::banner("09 · Complete Pipeline");
  show_pipeline(options, counts, input_name);
  show_model(counts, spikes);
  show_metrics(counts, seconds);
  if (failure) {
    fmt::print("\nPartial results: stage {} failed; no output file was written.\n", failure->stage);
    if (stdout_closed()) return exit_failed;
    fmt::print(stderr, "{}: error: stage {} failed: {}\n", app.get_name(), failure->stage, failure->message);
    return exit_failed;
  }
  if (interrupted.load()) {
    fmt::print("\nInterrupted (Ctrl-C): the readings read so far were processed and written.\n");
    std::fflush(stdout);
    return exit_interrupted;
  }
  show_best_practices();
  streamlab::next_lesson("your own data — 09_complete_pipeline --input FILE --output FILE");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout gives EPIPE, handled below, instead of killing us
  Options options;
  CLI::App app{
      "Lesson 09: Complete pipeline — the seed's eight streaming stages as one concurrent program over "
      "sensor readings.",
      "09_complete_pipeline"};
  app.footer(
      "Input (--input): CSV with a header row naming the columns timestamp_ms (an integer, milliseconds),\n"
      "sensor_id (a whole number, 0 or more) and value (a finite number); other columns are ignored, and a\n"
      "row that does not fit is counted and written to the dead letters.\n\n"
      "Exit status: 0 done; 1 a stage failed (no output file is written) or a file could not be made or\n"
      "written; 2 a bad option or an unreadable input; 130 interrupted by Ctrl-C: what was read is processed\n"
      "and written, or, while the data is generated, nothing is kept. A second Ctrl-C changes nothing: the\n"
      "program is already stopping, and it removes its temporary files on every way out.");
  app.add_option("--input", options.input, "read FILE (- for stdin) instead of generated data");
  app.add_option("--output", options.output, "write the scored readings to FILE (written atomically)");
  app.add_option("--dead-letter", options.dead_letter, "write the rejected rows to FILE (line, reason, text)");
  app.add_option("--summary-json", options.summary_json, "write the summary as one JSON object to FILE");
  streamlab::add_count_option(app, "--rows", options.rows, "rows of generated data (without --input)", 100'000'000);
  streamlab::add_seed_option(app, options.seed);
  streamlab::add_count_option(app, "--batch-size", options.batch_size, "readings per batch (5. Batch)", 1'000'000);
  streamlab::add_count_option(app, "--batch-timeout-ms", options.batch_timeout_ms,
                              "a partial batch leaves after this many ms", 60'000);
  streamlab::add_count_option(app, "--queue-capacity", options.queue_capacity,
                              "readings the source may queue ahead of Transform", 10'000'000);
  streamlab::add_count_option(app, "--workers", options.workers, "threads for 6. Process", 64);
  app.add_option("--fail-stage", options.fail_stage)->group("");  // tests only: see the top of this file
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;
  if (app.count("--input") > 0 && options.input.empty())
    return streamlab::usage_error(app, "--input needs a file name");
  install_sigint_handler();  // before any work: a Ctrl-C from here on ends the run cleanly
  // Every error is caught here, so that the stack unwinds on the way out and the temporary folder
  // and files are removed (an uncaught exception may end the program without unwinding).
  const auto failed = [&](const std::exception& error) {
    fmt::print(stderr, "{}: error: {}\n", app.get_name(), error.what());
    return exit_failed;
  };
  try {
    const int status = run(app, options);
    stdout_closed();  // flushes; a closed stdout is not an error worth a message
    return status;
  } catch (const std::system_error& error) {
    if (error.code().value() == EPIPE) return 0;  // stdout closed (`| head`): end quietly
    return failed(error);
  } catch (const std::exception& error) {  // a file that could not be made or written: disk full, no TMPDIR, ...
    return failed(error);
  }
}
