// Lesson 09 · Complete pipeline — the seed's eight stages as one concurrent program over sensor
// readings: a CSV source, parsing and filtering with a dead-letter file, normalising, adaptive
// batches, an online model per sensor that learns as data arrives, per-sensor statistics and an
// output file written atomically; with Ctrl-C, failures and closed pipes handled.
//
// Run:    scripts/run-lessons 9        (or build/release/lessons/09_complete_pipeline --help)
//         build/release/lessons/09_complete_pipeline --input readings.csv --output scored.csv
// Golden: expected_output/09_complete_pipeline.txt
//
// The machinery that makes it fast is in the library: ChunkedQueue, AdaptiveBatcher and
// next_batch, KeyedFanOut (split by key, parts from a pool, a Resequencer), RowWriter.
// For tests only: `--fail-stage NAME` (hidden) makes that stage throw at its 1000th reading.
#include "streamlab/adaptive_batcher.hpp"
#include "streamlab/atomic_file.hpp"
#include "streamlab/chunked_queue.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/dictionary.hpp"
#include "streamlab/json_writer.hpp"
#include "streamlab/keyed_fan_out.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/quantile.hpp"
#include "streamlab/sensor_data.hpp"
#include "streamlab/stage_group.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/temp_dir.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using streamlab::RowError;

constexpr int exit_failed = 1;
constexpr int exit_interrupted = 130;    // 128 + SIGINT, as shells report it
constexpr std::uint64_t fail_at = 1000;  // --fail-stage throws at this reading

struct Options {
  std::string input, output, dead_letter, summary_json;  // input: empty = generated data, "-" = stdin
  std::int64_t rows = 200'000, batch_size = 8192, batch_timeout_ms = 50, queue_capacity = 8192;
  std::uint64_t seed = 42;
  int workers = 1;
  std::string fail_stage;  // hidden, for tests
};

std::atomic<bool> interrupted{false};  // set by Ctrl-C; the data generator and the source check it
extern "C" void on_sigint(int) { interrupted.store(true, std::memory_order_relaxed); }

//! [handler]
// Installed first thing in main, before any file is made. The handler only sets a lock-free flag,
// and stays installed: a second Ctrl-C changes nothing, because ending the program at once would
// leave the temporary folder and the half-written `*.tmp-*` files behind.
// SA_RESTART: a read or write the signal lands in carries on instead of failing with EINTR.
void install_sigint_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
}
//! [handler]

//! [reading]
// One reading as it travels through the stages. Plain data: cheap to move in batches.
struct Reading {
  std::uint64_t line = 0;  // where it came from, for the output and for error messages
  std::int64_t timestamp_ms = 0;
  std::uint32_t sensor = 0;  // the sensor's id as a number (a Dictionary gives its text back)
  bool predicted = false;    // 6. Process: false for a sensor's first reading (nothing to predict from)
  bool anomaly = false;
  double value = 0;
  double zscore = 0;      // 4. Transform: against the sensor's running statistics
  double prediction = 0;  // 6. Process: the model's forecast, made before it learns the value
};
//! [reading]

// Per-sensor state, in a vector indexed by the sensor's number.
template <typename T>
T& of_sensor(std::vector<T>& states, std::uint32_t sensor) {
  if (sensor >= states.size()) states.resize(sensor + 1);
  return states[sensor];
}

//! [model]
// 6. Process — one sensor's model, learning as it goes (test-then-train): it forecasts the next
// value as an exponential moving average, and only then learns the value; a reading whose
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

// What the stages count. Each counter is written by one thread and read after the join.
struct SensorResult {
  streamlab::OnlineStats values;
  std::uint64_t anomalies = 0, predicted = 0, baselined = 0;
  double model_error = 0;     // Σ|value − prediction| over predicted readings
  double baseline_error = 0;  // Σ|value − running mean before it|: what a model that never adapts gets
};
struct Counts {
  std::uint64_t records = 0, parse_rejected = 0, filter_rejected = 0, valid = 0;  // 1.–3.
  std::array<std::uint64_t, streamlab::row_error_count> rejected{};               // by reason
  std::uint64_t transformed = 0, batches = 0, aggregated = 0, written = 0;        // 4., 5., 7., 8.
  std::vector<std::uint64_t> processed;                                           // 6., per worker
  std::vector<SensorResult> sensors;                                              // by sensor number
  streamlab::P2Quantile latency_p50{0.5}, latency_p99{0.99};
  double source_seconds = 0;
  std::vector<streamlab::StageCpuTime> cpu_by_stage;
};

bool is_filter_reason(RowError e) { return e == RowError::non_finite || e == RowError::out_of_range; }

// A bad row's text for the dead-letter file: quoted, control characters shown as '?', one line.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';  // doubled
    out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  return out + "\"";
}

struct Pipeline {
  const Options& options;
  streamlab::CsvReader& reader;
  streamlab::AtomicFile& output;
  streamlab::AtomicFile& dead_letter;
  Counts counts;
  streamlab::Dictionary sensors;  // sensor id text ↔ number
  const std::size_t workers = static_cast<std::size_t>(options.workers);
  // Source → Transform: readings in chunks of 4096 (one lock, no copy, per chunk). Batch → Process
  // → Sink: each batch split by sensor among the workers, and put back in input order.
  streamlab::ChunkedQueue<Reading> readings{static_cast<std::size_t>(options.queue_capacity), 4096};
  streamlab::KeyedFanOut<Reading> fan_out{workers};

  Pipeline(const Options& o, streamlab::CsvReader& r, streamlab::AtomicFile& out, streamlab::AtomicFile& dead)
      : options(o), reader(r), output(out), dead_letter(dead) {}

  void fail_point(const char* stage, std::uint64_t count) const {
    if (count == fail_at && options.fail_stage == stage)
      throw std::runtime_error(fmt::format("injected failure in {} (--fail-stage)", stage));
  }

  //! [source]
  // 1. Source, 2. Parse, 3. Filter — on one thread, because a CsvRow's fields are views into the
  // reader's buffer that the next record overwrites: convert them before reading on.
  void source() {
    const std::size_t ts_col = reader.require_column("timestamp_ms");
    const std::size_t sensor_col = reader.require_column("sensor_id");
    const std::size_t value_col = reader.require_column("value");
    const auto start = Steady::now();
    auto reject = [&](const streamlab::CsvRow& row, RowError reason) {
      ++counts.rejected[streamlab::row_error_index(reason)];
      ++(is_filter_reason(reason) ? counts.filter_rejected : counts.parse_rejected);
      dead_letter.write(fmt::format("{},{},{}\n", row.line(), streamlab::row_error_name(reason),
                                    quoted(row.raw().substr(0, streamlab::BadRow::max_text_bytes))));
    };
    while (!interrupted.load(std::memory_order_relaxed)) {  // Ctrl-C: stop reading, drain the rest
      // The next read may wait for a slow pipe: hand on the readings already read first.
      if (reader.buffered_bytes() == 0 && !readings.flush()) return;  // false: a later stage failed
      auto row = reader.next();
      if (!row) break;
      fail_point("source", ++counts.records);
      // 2. Parse: the record's shape, then each field as its type.
      if (!row->ok()) {
        reject(*row, *row->error());
        continue;
      }
      const auto ts = row->get<std::int64_t>(ts_col);
      const auto sensor = row->get<std::uint64_t>(sensor_col);
      const auto value = row->get<double>(value_col);
      fail_point("parse", counts.records);
      // 3. Filter: fields that are not numbers, and numbers that cannot be readings (NaN, 1e400).
      fail_point("filter", counts.records);
      if (const auto error = streamlab::first_error(ts, sensor, value)) {
        reject(*row, *error);
        continue;
      }
      if (!readings.push(Reading{row->line(), ts.value, sensors.intern((*row)[sensor_col]), false, false, value.value}))
        return;
      ++counts.valid;
    }
    readings.close();  // the end of the stream flows downstream: Transform drains the queue and ends
    counts.source_seconds = std::chrono::duration<double>(Steady::now() - start).count();
  }
  //! [source]

  //! [transform]
  // 4. Transform and 5. Batch — one thread that sees every reading in input order. next_batch
  // groups the readings by count or time (whichever comes first); each reading's z-score uses
  // its sensor's running statistics *before* this value; then the batch goes to the workers, split
  // by sensor: a sensor's readings all go to one worker, in order, whatever the number of workers.
  void transform_and_batch() {
    streamlab::AdaptiveBatcher<Reading> batcher{static_cast<std::size_t>(options.batch_size),
                                                std::chrono::milliseconds(options.batch_timeout_ms)};
    struct SensorState {
      streamlab::OnlineStats stats;
      std::size_t worker = 0;
    };
    std::vector<SensorState> state;
    while (auto batch = streamlab::next_batch(readings, batcher)) {
      for (Reading& r : *batch) {
        fail_point("transform", ++counts.transformed);
        SensorState& sensor = of_sensor(state, r.sensor);
        if (sensor.stats.count() == 0) sensor.worker = r.sensor % workers;  // once per sensor, not per reading
        r.zscore = sensor.stats.count() >= 2 ? (r.value - sensor.stats.mean()) / sensor.stats.stddev() : 0.0;
        sensor.stats.add(r.value);
      }
      if (++counts.batches == 2) fail_point("batch", fail_at);
      if (!fan_out.send(*batch, [&](const Reading& r) { return state[r.sensor].worker; })) return;
      batcher.recycle(std::move(*batch));  // its memory holds a later batch: no allocation per batch
    }
    fan_out.close();
  }
  //! [transform]

  //! [process]
  // 6. Process — each worker scores its sensors' readings with their models and writes their
  // output rows: formatting numbers is much of the work, and here it is spread over the workers.
  void process(std::size_t worker) {
    std::vector<Model> models;  // this worker's sensors only
    std::uint64_t& done = counts.processed[worker];
    fan_out.work(worker, [&](streamlab::KeyedFanOut<Reading>::Part& part) {
      for (Reading& r : part.items) {
        fail_point("process", ++done);
        of_sensor(models, r.sensor).score(r);
        part.rows.integer(r.line).integer(r.timestamp_ms).text(sensors.name(r.sensor)).shortest(r.value);
        part.rows.fixed(r.zscore, 4);
        r.predicted ? part.rows.fixed(r.prediction, 4) : part.rows.empty();
        part.rows.flag(r.anomaly).end_row();
      }
    });
  }
  //! [process]

  //! [sink]
  // 7. Aggregate and 8. Sink — one thread, batch by batch in input order (KeyedFanOut puts each
  // batch back together from its parts): per-sensor statistics and the model's error against a
  // baseline, then the batch's rows to the output file — the same with 1 or N workers.
  void aggregate_and_sink() {
    streamlab::ProgressLine progress;  // on stderr when it is a terminal; erased at the end
    while (auto parts = fan_out.next_in_order()) {
      for (const auto& part : *parts) {
        for (const Reading& r : part.items) {
          fail_point("aggregate", ++counts.aggregated);
          SensorResult& s = of_sensor(counts.sensors, r.sensor);
          if (s.values.count() > 0) {
            s.baseline_error += std::abs(r.value - s.values.mean());
            ++s.baselined;
          }
          s.values.add(r.value);
          if (r.predicted) {
            s.model_error += std::abs(r.value - r.prediction);
            ++s.predicted;
          }
          s.anomalies += r.anomaly;
        }
      }
      std::uint64_t rows = 0;
      for (const auto& part : *parts) rows += part.items.size();
      if (counts.written < fail_at && counts.written + rows >= fail_at) fail_point("sink", fail_at);
      output.write(fan_out.rows_in_order());
      counts.written += rows;
      const double ms = std::chrono::duration<double, std::milli>(Steady::now() - (*parts)[0].sent).count();
      counts.latency_p50.add(ms);  // one latency per batch, from the batcher until it is written
      counts.latency_p99.add(ms);
      if (progress.due()) progress.show(fmt::format("{} readings processed", fmt::group_digits(counts.written)));
    }
  }
  //! [sink]

  //! [run]
  // Starts one thread per stage (and --workers for Process). If any stage throws, StageGroup
  // cancels every queue: pushes upstream fail, pops downstream drain, every thread returns.
  std::optional<streamlab::StageFailure> run() {
    counts.processed.assign(workers, 0);
    output.write("line,timestamp_ms,sensor_id,value,zscore,prediction,anomaly\n");
    dead_letter.write("line,reason,text\n");
    streamlab::StageGroup stages;
    stages.on_failure([this] {
      readings.cancel();
      fan_out.cancel();
    });
    stages.run("source", [this] { source(); });
    stages.run("transform", [this] { transform_and_batch(); });
    for (std::size_t w = 0; w < workers; ++w) stages.run("process", [this, w] { process(w); });
    stages.run("sink", [this] { aggregate_and_sink(); });
    stages.join();
    counts.cpu_by_stage = stages.cpu_times();
    return stages.failure();
  }
  //! [run]
};

std::string rejected_list(const Counts& c, bool parse) {
  std::string out;
  for (RowError e : streamlab::all_row_errors) {
    const auto n = c.rejected[streamlab::row_error_index(e)];
    if (n > 0 && is_filter_reason(e) != parse)
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, streamlab::row_error_name(e));
  }
  return out.empty() ? "none" : out;
}

// Notice: the seed's eight stages, then what each one really did on this run — every reading is
// accounted for: read = rejected + valid, and valid = transformed = processed = aggregated = written.
void show_pipeline(const Options& options, const Counts& c, std::string_view input_name) {
  streamlab::section("Complete Streaming Pipeline");
  fmt::print(
      "End-to-end streaming pipeline:\n\n  1. Source: Read from files/API/database\n  2. Parse: Extract structured "
      "data\n  3. Filter: Remove invalid records\n  4. Transform: Normalize and enrich\n  5. Batch: Group for "
      "efficient processing\n  6. Process: Apply ML models\n  7. Aggregate: Compute statistics\n  8. Sink: Write "
      "results\n\n");
  const auto n = [](std::uint64_t count) { return fmt::group_digits(count); };
  const std::size_t models = c.sensors.size();
  std::uint64_t processed = 0;
  for (const std::uint64_t p : c.processed) processed += p;
  fmt::print("What each stage did here ({} threads, joined by bounded queues):\n", 3 + options.workers);
  fmt::print("  1. Source: {} records from {}\n", n(c.records), input_name);
  fmt::print("  2. Parse: {} rejected ({})\n", n(c.parse_rejected), rejected_list(c, true));
  fmt::print("  3. Filter: {} rejected ({}); {} valid readings\n", n(c.filter_rejected), rejected_list(c, false),
             n(c.valid));
  fmt::print("     every rejected row, with its line number and reason → {}\n",
             options.dead_letter.empty() ? "a temporary file, deleted at exit — pass --dead-letter FILE to keep it"
                                         : options.dead_letter);
  fmt::print("  4. Transform: {} readings given a z-score against their sensor's running statistics\n",
             n(c.transformed));
  fmt::print("  5. Batch: adaptive batches of up to {} readings or {} ms, each split by sensor among the workers\n",
             options.batch_size, options.batch_timeout_ms);
  fmt::print("  6. Process: {} readings scored by {} online model{} on {} worker{}\n", n(processed), models,
             models == 1 ? "" : "s", options.workers, options.workers == 1 ? "" : "s");
  fmt::print("  7. Aggregate: {} readings into per-sensor statistics\n", n(c.aggregated));
  fmt::print("  8. Sink: {} rows → {}\n", n(c.written),
             options.output.empty() ? "a temporary file, deleted at exit — pass --output FILE to keep it"
                                    : options.output + ", renamed into place when complete");
}

// Notice: the model predicts each reading before learning it, so its error is an honest forecast
// error; a model that never adapts (the running mean) does far worse on drifting data.
void show_model(const Counts& c, const streamlab::Dictionary& sensors, std::optional<std::uint64_t> spikes) {
  streamlab::section("Continuous learning: an online model per sensor");
  SensorResult all;  // the sums over every sensor, in sensor order: the same with any number of workers
  for (const SensorResult& s : c.sensors) {
    all.model_error += s.model_error;
    all.predicted += s.predicted;
    all.baseline_error += s.baseline_error;
    all.baselined += s.baselined;
    all.anomalies += s.anomalies;
  }
  const auto mean_of = [](double sum, std::uint64_t n) { return n == 0 ? 0.0 : sum / static_cast<double>(n); };
  fmt::print("Test-then-train: each reading is forecast first, then learnt.\n");
  fmt::print("  Mean absolute error, online model (moving average, α = 0.3): {:.3f}\n",
             mean_of(all.model_error, all.predicted));
  fmt::print("  Mean absolute error, running mean (never adapts):          {:.3f}\n",
             mean_of(all.baseline_error, all.baselined));
  fmt::print("  Anomalies flagged (error > 5 σ of past errors): {}", fmt::group_digits(all.anomalies));
  if (spikes) fmt::print(" (the generator put in {} spikes)", fmt::group_digits(*spikes));
  fmt::print("\n\nFirst sensors (count, mean, sample std dev, min, max, anomalies):\n");
  for (std::uint32_t id = 0; id < c.sensors.size() && id < 4; ++id) {
    const streamlab::OnlineStats& v = c.sensors[id].values;
    fmt::print("  sensor {:>2}: {:>6}  mean {:7.3f}  sd {:6.3f}  min {:7.3f}  max {:7.3f}  anomalies {}\n",
               sensors.name(id), v.count(), v.mean(), v.count() >= 2 ? v.stddev() : 0.0, v.min(), v.max(),
               c.sensors[id].anomalies);
  }
}

// Notice: the seed's example metrics, measured on this run (they vary from run to run).
void show_metrics(const Counts& c, double seconds) {
  fmt::print("\nExample metrics (measured on this run):\n");
  const auto p = [](const streamlab::P2Quantile& q) { return q.count() > 0 ? q.value() : 0.0; };
  const auto rate = [](std::uint64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; };
  streamlab::measured("Input rate", rate(c.records, c.source_seconds), "records/sec", 0);
  streamlab::measured("Processing latency per batch, p50", p(c.latency_p50), "ms", 2);
  streamlab::measured("Processing latency per batch, p99", p(c.latency_p99), "ms", 2);
  streamlab::measured("Batches", static_cast<double>(c.batches), "", 0);
  streamlab::measured("Peak memory", streamlab::to_mib(streamlab::peak_rss_bytes()), "MiB", 1);
  streamlab::measured("Throughput", rate(c.written, seconds), "records/sec", 0);
  // Where the time went: a thread waiting on a queue uses no CPU, so the stage with the most is
  // where making the code faster pays (with 3 + N threads on fewer cores, they also take turns).
  fmt::print("  CPU time by stage:");
  for (std::size_t i = 0; i < c.cpu_by_stage.size(); ++i) {
    const auto& [stage, cpu] = c.cpu_by_stage[i];
    fmt::print("{} {} {:.0f} ms", i == 0 ? "" : ",", stage, std::chrono::duration<double, std::milli>(cpu).count());
  }
  fmt::print("\n");
}

// Notice: each of the seed's practices, and the lesson that shows it.
void show_best_practices() {
  fmt::print(
      "\n==================================================\n✅ Streaming Best Practices\n"
      "==================================================\n\n"
      "1. Use generators for memory efficiency (lessons 01, 03)\n"
      "2. Process in batches for performance (lessons 02, 08)\n"
      "3. Implement proper error handling (lesson 03: bad rows as values; here: dead letters, failed stages)\n"
      "4. Monitor memory usage and throughput (lessons 03, 07; here: the metrics above)\n"
      "5. Handle backpressure gracefully (lesson 08: bounded queues)\n"
      "6. Use appropriate buffer sizes (lesson 08; here: --queue-capacity, --batch-size)\n"
      "7. Consider parallelism carefully (lesson 05; here: --workers, partitioned by sensor)\n");
}

// The summary as one JSON object (JsonWriter writes the commas and escapes, and NaN as null).
std::string summary_json(const Counts& c, const streamlab::Dictionary& sensors) {
  streamlab::JsonWriter json;
  json.begin_object().key("rows_read").value(c.records).key("rows_valid").value(c.valid);
  json.key("rejected").begin_object();
  for (RowError e : streamlab::all_row_errors)
    json.key(streamlab::row_error_name(e)).value(c.rejected[streamlab::row_error_index(e)]);
  json.end_object().key("sensors").begin_object();
  for (std::uint32_t id = 0; id < c.sensors.size(); ++id) {
    const SensorResult& s = c.sensors[id];
    json.key(sensors.name(id)).begin_object().key("count").value(s.values.count());
    json.key("mean").value(s.values.mean()).key("variance").value(s.values.variance());
    json.key("min").value(s.values.min()).key("max").value(s.values.max());
    json.key("anomalies").value(s.anomalies).end_object();
  }
  json.end_object().end_object();
  return json.str() + "\n";
}

// stdout closed early (`| head`): stop quietly.
bool stdout_closed() { return std::fflush(stdout) != 0 && errno == EPIPE; }

int run(const CLI::App& app, const Options& options) {
  streamlab::TempDir temp{"lesson09"};  // removed, with all in it, on every way out of run()
  std::optional<std::uint64_t> spikes;
  fs::path input_path = options.input;
  std::string input_name = options.input == "-" ? "stdin" : options.input;
  if (options.input.empty()) {  // generated data; Ctrl-C stops it, and the uncommitted file goes
    input_path = temp.path() / "readings.csv";
    streamlab::AtomicFile file{input_path};
    streamlab::ProgressLine progress;
    const auto data = streamlab::write_sensor_data(
        options.rows, options.seed, [&](std::string_view text) { file.write(text); },
        [&](std::uint64_t done) {
          if (progress.due())
            progress.show(fmt::format("generating data: {} of {} rows", fmt::group_digits(done),
                                      fmt::group_digits(options.rows)));
          return !interrupted.load(std::memory_order_relaxed);
        });
    if (!data.complete) {
      streamlab::banner("09 · Complete Pipeline");
      fmt::print(
          "\nInterrupted (Ctrl-C) while generating the data: {} of {} rows written, none processed.\n"
          "Nothing is kept: the partial file goes with the temporary folder.\n",
          fmt::group_digits(data.rows), fmt::group_digits(options.rows));
      return exit_interrupted;
    }
    file.commit();
    spikes = data.spikes;
    input_name =
        fmt::format("a generated temporary file ({} rows, seed {})", fmt::group_digits(options.rows), options.seed);
  }
  std::optional<streamlab::CsvReader> reader;
  std::optional<streamlab::AtomicFile> output, dead_letter, json;
  try {
    streamlab::CsvOptions csv;
    csv.max_record_bytes = 4096;  // a longer line is a bad row, not a memory hog
    reader.emplace(options.input == "-" ? streamlab::CsvReader::from_stdin(csv)
                                        : streamlab::CsvReader::open(input_path, csv));
    if (reader->empty()) return streamlab::usage_error(app, fmt::format("{}: the input is empty", input_name));
    for (const char* column : {"timestamp_ms", "sensor_id", "value"}) reader->require_column(column);
    output.emplace(options.output.empty() ? temp.path() / "scored.csv" : fs::path(options.output));
    dead_letter.emplace(options.dead_letter.empty() ? temp.path() / "dead_letter.csv" : fs::path(options.dead_letter));
    if (!options.summary_json.empty()) json.emplace(options.summary_json);
  } catch (const std::exception& error) {
    return streamlab::usage_error(app, error.what());
  }

  const auto start = Steady::now();
  Pipeline pipeline{options, *reader, *output, *dead_letter};
  const auto failure = pipeline.run();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  const Counts& counts = pipeline.counts;

  // The files: the output only when no stage failed (a Ctrl-C run keeps what it read); the dead
  // letters and the summary always (they are complete for the rows read).
  if (!failure) output->commit();
  dead_letter->commit();
  if (json) {
    json->write(summary_json(counts, pipeline.sensors));
    json->commit();
  }

  streamlab::banner("09 · Complete Pipeline");
  show_pipeline(options, counts, input_name);
  show_model(counts, pipeline.sensors, spikes);
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
