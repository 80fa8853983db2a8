// Lesson 09 · Complete pipeline — the seed's eight stages as one concurrent program over a CSV of sensor
// readings, with dead letters, an online model per sensor and atomic output; the machinery (threads, queues,
// batches, workers by key, order, memory reuse) is the library's KeyedPipeline. Golden: expected_output/09_*.txt
// Run: scripts/run-lessons 9, or build/release/lessons/09_complete_pipeline --input FILE --output FILE
#include "streamlab/atomic_file.hpp"
#include "streamlab/chart.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/dead_letters.hpp"
#include "streamlab/dictionary.hpp"
#include "streamlab/file_options.hpp"
#include "streamlab/interrupt.hpp"
#include "streamlab/json_writer.hpp"
#include "streamlab/keyed_pipeline.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/per_key.hpp"
#include "streamlab/program.hpp"
#include "streamlab/robust_scale.hpp"
#include "streamlab/sensor_data.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/summary_json.hpp"
#include "streamlab/temp_dir.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {
namespace fs = std::filesystem;
using streamlab::RowError;

struct Options {
  std::string input, output, dead_letter, summary_json, delimiter = ",", fail_stage;  // input "": generated
  std::int64_t rows = 200'000, batch_size = 8192, batch_timeout_ms = 50, queue_capacity = 8192, max_sensors = 100'000;
  std::uint64_t seed = 42;
  int workers = 1;
  double max_reject_rate = 1.0;  // 1: off
  streamlab::ChartOptions charts;
};

//! [reading]
// One reading as it travels through the stages. Plain data: cheap to move in batches.
struct Reading {
  std::uint64_t line = 0;  // where it came from, for the output and for error messages
  std::int64_t timestamp_ms = 0;
  std::uint32_t sensor = 0;                 // the sensor's number: 0, 1, 2, ... in order of first appearance
  bool predicted = false, anomaly = false;  // 6. Process: a forecast made (none for a sensor's first reading)
  double value = 0;
  double zscore = 0;      // 4. Transform: against the sensor's running statistics
  double prediction = 0;  // 6. Process: the model's forecast, made before it learns the value
};
//! [reading]
using Part = streamlab::KeyedPipeline<Reading>::Part;  // one worker's share of a batch, and its output rows

//! [model]
// 6. Process — one sensor's model, learning as it goes (test-then-train): it forecasts the next value as an
// exponential moving average, and only then learns it; a reading whose forecast error is over 5 standard
// deviations of the sensor's past errors is an anomaly, kept out of what the model learns.
struct Model {
  streamlab::ExponentialMovingAverage level{0.3};
  streamlab::OnlineStats errors;
  std::vector<double> warm_up;  // the first 31 values: 30 errors, before any reading can be flagged
  void score(Reading& r) {
    if (level.count() > 0) {
      r.prediction = level.value();
      r.predicted = true;
      const double error = r.value - r.prediction;
      r.anomaly = errors.count() >= 30 && std::abs(error) > 5.0 * errors.stddev();
      if (!r.anomaly) errors.add(error);
    }
    if (!r.anomaly) level.add(r.value);
    if (warm_up.size() < 31) {
      warm_up.push_back(r.value);
      if (warm_up.size() == 31) learn_warm_up_again();
    }
  }
  // Nothing is flagged in the warm-up, so a wild value in it (a -999999 sentinel) would blind the error
  // scale for good: at its end the model learns it again without the values over 5 robust σ from its
  // median (median and MAD, which a few wild values cannot move).
  void learn_warm_up_again() {
    const streamlab::RobustScale scale = streamlab::robust_scale(warm_up);
    level = streamlab::ExponentialMovingAverage{0.3};
    errors = {};
    for (const double v : warm_up) {
      if (scale.is_outlier(v, 5.0)) continue;
      if (level.count() > 0) errors.add(v - level.value());
      level.add(v);
    }
  }
};
//! [model]

struct SensorResult {  // 7. Aggregate, per sensor; every reading but the first is forecast by both:
  streamlab::OnlineStats values;
  std::uint64_t anomalies = 0;
  double model_error = 0, baseline_error = 0;  // Σ|value − forecast|, by the model and by the running mean
};

// The stages and what they count (each counter written by one thread, read after the run).
struct Pipeline {
  const Options& options;
  streamlab::CsvReader& reader;
  streamlab::AtomicFile& output;
  streamlab::DeadLetters dead_letters;
  std::uint64_t records = 0;  // read (the stages after count their own: stages.counts())
  streamlab::Dictionary sensors{static_cast<std::size_t>(options.max_sensors)};  // a sensor id, as given ↔ its number
  std::vector<streamlab::PerKey<Model>> models{static_cast<std::size_t>(options.workers)};  // per worker, per sensor
  streamlab::PerKey<streamlab::OnlineStats> stats{};  // per sensor, for the z-scores
  streamlab::PerKey<SensorResult> results{};          // per sensor
  streamlab::MarkedSeries first_sensor{2000};         // sensor 0's first readings, the anomalies marked: for the chart
  streamlab::KeyedPipeline<Reading> stages{{.workers = models.size(),
                                            .batch_size = static_cast<std::size_t>(options.batch_size),
                                            .batch_timeout = std::chrono::milliseconds(options.batch_timeout_ms),
                                            .queue_capacity = static_cast<std::size_t>(options.queue_capacity),
                                            .fail_stage = options.fail_stage,
                                            .progress_items = "rows"}};

  //! [source]
  // 1. Source, 2. Parse, 3. Filter — on one thread, because a CsvRow's fields are views into the
  // reader's buffer that the next record overwrites: convert them before reading on.
  void source(streamlab::KeyedPipeline<Reading>::Output& out) {
    const std::size_t ts_col = reader.require_column("timestamp_ms"), sensor_col = reader.require_column("sensor_id"),
                      value_col = reader.require_column("value");
    while (!streamlab::interrupted()) {  // Ctrl-C, SIGTERM: stop reading; what was read flows on and is written
      // The next read may wait for a slow pipe: hand on the readings already read first.
      if (reader.buffered_bytes() == 0 && !out.flush()) return;  // false: a later stage failed
      auto row = reader.next();
      if (!row) break;
      ++records;
      // 2. Parse: the record's shape, then each field as its type (a sensor id is any text).
      if (!row->ok()) {
        dead_letters.add(row->line(), *row->error(), "", row->raw());
        continue;
      }
      const auto ts = row->get<std::int64_t>(ts_col, 0);  // a time before 1970: out_of_range
      const std::string_view sensor = (*row)[sensor_col];
      const auto value = row->get<double>(value_col, -streamlab::max_sensor_value, streamlab::max_sensor_value);
      // 3. Filter: a field missing or not a number, no reading's number (NaN, 1e400, 1e13), a sensor too many.
      const auto [error, column] = ts.error         ? std::pair{ts.error, "timestamp_ms"}
                                   : sensor.empty() ? std::pair{std::optional{RowError::empty_field}, "sensor_id"}
                                                    : std::pair{value.error, value.error ? "value" : "sensor_id"};
      const auto id = error ? std::nullopt : sensors.try_intern(sensor);  // nothing: a new sensor too many
      if (!id) {
        dead_letters.add(row->line(), error.value_or(RowError::too_many_keys), column, row->raw());
        continue;
      }
      if (!out.push(Reading{row->line(), ts.value, *id, false, false, value.value})) return;
    }
  }
  //! [source]

  //! [stages]
  // 4. Transform — each batch, in input order (5. Batch: KeyedPipeline groups readings by count or time):
  // a reading's z-score uses its sensor's running statistics *before* this value.
  void transform(std::vector<Reading>& batch) {
    for (Reading& r : batch) {
      streamlab::OnlineStats& sensor = stats[r.sensor];
      r.zscore = sensor.count() >= 2 ? (r.value - sensor.mean()) / sensor.stddev() : 0.0;
      sensor.add(r.value);
    }
  }

  // 6. Process — each worker gets its sensors' readings, in order: it scores each with its sensor's model,
  // then writes its output row (formatting numbers is much of the work: it is spread over the workers too).
  void process(std::size_t worker, Part& part) {
    for (Reading& r : part.items) {
      models[worker][r.sensor / models.size()].score(r);  // worker w has sensors w, w + workers, ...
      part.rows.integer(r.line).integer(r.timestamp_ms).text(sensors.name(r.sensor)).shortest(r.value);
      part.rows.fixed(r.zscore, 4);
      r.predicted ? part.rows.fixed(r.prediction, 4) : part.rows.empty();
      part.rows.flag(r.anomaly).end_row();
    }
  }

  // 7. Aggregate and 8. Sink — each batch put back in input order: per-sensor statistics and the errors
  // of the model and of a baseline, then the batch's rows to the output file — the same with any workers.
  void aggregate_and_sink(std::span<Part> parts, std::string_view rows) {
    for (const Part& part : parts) {
      for (const Reading& r : part.items) {
        SensorResult& s = results[r.sensor];
        if (s.values.count() > 0) s.baseline_error += std::abs(r.value - s.values.mean());
        if (r.predicted) s.model_error += std::abs(r.value - r.prediction);
        s.values.add(r.value);
        s.anomalies += r.anomaly;
        if (r.sensor == 0) first_sensor.add(r.value, r.anomaly);
      }
    }
    output.write(rows);
  }
  //! [stages]
};

double rate(double n, double seconds) { return seconds > 0 ? n / seconds : 0.0; }
// Notice: what each stage did — every reading is accounted for: read = rejected + valid, and
// valid = transformed = processed = aggregated = written.
void show_pipeline(const Pipeline& p, std::string_view input) {
  const auto filter = streamlab::is_refused_value;  // a reading no sensor gives, or a sensor past --max-sensors
  const Options& o = p.options;
  const auto n = [](std::uint64_t count) { return fmt::group_digits(count); };
  const auto kept = [](const std::string& file, std::string_view flag, std::string_view done) {
    return file.empty() ? fmt::format("a temporary file, deleted at exit — pass {} FILE to keep it", flag)
                        : file + std::string(done);
  };
  const auto& c = p.stages.counts();
  streamlab::section("Complete Streaming Pipeline");
  fmt::print(
      "End-to-end streaming pipeline:\n\n  1. Source: Read from files/API/database\n  2. Parse: Extract structured "
      "data\n  3. Filter: Remove invalid records\n  4. Transform: Normalize and enrich\n  5. Batch: Group for "
      "efficient processing\n  6. Process: Apply ML models\n  7. Aggregate: Compute statistics\n  8. Sink: Write "
      "results\n\nWhat each stage did here ({} threads, joined by bounded queues):\n  1. Source: {} records from {}\n"
      "  2. Parse: {} rejected ({})\n  3. Filter: {} rejected ({}); {} valid readings\n"
      "     every rejected row, with its line number and reason → {}\n"
      "  4. Transform: {} readings given a z-score against their sensor's running statistics\n"
      "  5. Batch: adaptive batches of up to {} readings or {} ms, each split by sensor among the workers\n"
      "  6. Process: {} readings scored by {} online model{} on {} worker{}\n"
      "  7. Aggregate: {} readings into per-sensor statistics\n  8. Sink: {} rows → {}\n",
      3 + o.workers, n(p.records), input, n(p.dead_letters.total(std::not_fn(filter))),
      p.dead_letters.summary(std::not_fn(filter)), n(p.dead_letters.total(filter)), p.dead_letters.summary(filter),
      n(c.source), kept(o.dead_letter, "--dead-letter", ""), n(c.transform), o.batch_size, o.batch_timeout_ms,
      n(c.process), p.results.size(), p.results.size() == 1 ? "" : "s", o.workers, o.workers == 1 ? "" : "s", n(c.sink),
      n(c.sink), kept(o.output, "--output", ", renamed into place when complete"));
}

// Notice: the model predicts each reading before learning it, so its error is an honest forecast
// error; a model that never adapts (the running mean) does far worse on drifting data.
void show_model(const Pipeline& p, std::optional<std::uint64_t> spikes) {
  SensorResult all;  // the sums over every sensor, in sensor order: the same with any number of workers
  double forecasts = 0;
  for (const SensorResult& s : p.results) {
    all.model_error += s.model_error, all.baseline_error += s.baseline_error, all.anomalies += s.anomalies;
    forecasts += static_cast<double>(s.values.count() - 1);
  }
  streamlab::section("Continuous learning: an online model per sensor");
  fmt::print(
      "Test-then-train: each reading is forecast first, then learnt.\n"
      "  Mean absolute error, online model (moving average, α = 0.3): {:.3f}\n"
      "  Mean absolute error, running mean (never adapts):          {:.3f}\n"
      "  Anomalies flagged (error > 5 σ of past errors): {}{}\n",
      rate(all.model_error, forecasts), rate(all.baseline_error, forecasts), fmt::group_digits(all.anomalies),
      spikes ? fmt::format(" (the generator put in {} spikes)", fmt::group_digits(*spikes)) : "");
}

// Notice: one sensor's readings as its model met them: each flagged anomaly stands out of the level it learnt.
void show_chart(const Pipeline& p) {
  const streamlab::ChartOptions& charts = p.options.charts;
  if (charts.draw && p.first_sensor.size() > 0) {
    streamlab::LineChart chart{fmt::format("reading of sensor {}", p.sensors.name(0)), "value", 80, 14};
    p.first_sensor.draw(chart, "reading", "flagged as an anomaly");
    fmt::print("\nSensor {}, its first {} readings:\n{}", p.sensors.name(0), fmt::group_digits(p.first_sensor.size()),
               chart.render());
  }
  if (!charts.plot_data_dir.empty())  // for gnuplot: the readings, and the flagged ones
    p.first_sensor.write_csv(charts.plot_data_dir / "09_readings.csv", charts.plot_data_dir / "09_anomalies.csv");
}

// The summary as one JSON object, streamed to `file` and committed: how the run ended, counts, measurements, sensors.
void write_summary_json(const Pipeline& p, std::string_view status, streamlab::AtomicFile& file) {
  streamlab::JsonWriter json{[&](std::string_view text) { file.write(text); }};
  const auto& c = p.stages.counts();
  json.begin_object();
  streamlab::write_run_counts(json, {status, p.records, c.source, c.sink, p.dead_letters.counts()});
  streamlab::write_metrics(json, p.stages.metrics(p.records));
  json.key("sensors").begin_object();
  for (std::uint32_t id = 0; id < p.results.size(); ++id) {
    json.key(p.sensors.name(id)).begin_object();
    streamlab::write_stats(json, p.results[id].values);
    json.key("anomalies").value(p.results[id].anomalies).end_object();
  }
  json.end_object().end_object();  // the rest goes out, and a line end
  file.commit();
}

int run(const CLI::App& app, const Options& o) {
  streamlab::TempDir temp{"lesson09"};  // removed, with all in it, on every way out of run()
  const fs::path input_path = temp.path_or(o.input, "readings.csv");
  std::string input = o.input == "-" ? "stdin" : o.input;
  std::optional<std::uint64_t> spikes;
  if (o.input.empty()) {  // generated data; Ctrl-C or SIGTERM stops it, and nothing is kept
    const auto data = streamlab::write_sensor_csv(input_path, o.rows, o.seed, [] { return !streamlab::interrupted(); });
    if (!data.complete) {
      fmt::print("{} while generating the data: nothing kept.\n", streamlab::interrupt_name());
      return streamlab::interrupt_exit_status();
    }
    spikes = data.spikes;
    input = fmt::format("a generated temporary file ({} rows, seed {})", fmt::group_digits(o.rows), o.seed);
  }
  std::optional<streamlab::CsvReader> reader;
  std::optional<streamlab::AtomicFile> output, dead_letter, json;
  try {
    // A record is one line (a stray quote costs only its own line), of at most 4 KiB (longer: a bad row).
    const streamlab::CsvOptions csv{.delimiter = o.delimiter[0], .records_span_lines = false, .max_record_bytes = 4096};
    reader.emplace(o.input == "-" ? streamlab::CsvReader::from_stdin(csv)
                                  : streamlab::CsvReader::open(input_path, csv));
    streamlab::throw_if_interrupted();  // a signal while it waited for the header: not an empty input
    if (reader->empty()) return streamlab::usage_error(app, fmt::format("{}: the input is empty", input));
    for (const char* column : {"timestamp_ms", "sensor_id", "value"}) reader->require_column(column);
    output.emplace(temp.path_or(o.output, "scored.csv")),
        dead_letter.emplace(temp.path_or(o.dead_letter, "dead_letter.csv"));
    if (!o.summary_json.empty()) json.emplace(o.summary_json);
  } catch (const std::exception& error) {
    return streamlab::usage_error(app, error.what());
  }
  //! [run]
  // KeyedPipeline runs the stages on 3 + --workers threads joined by bounded queues. The end of the
  // input flows downstream; if a stage throws, every queue is cancelled and every thread returns.
  Pipeline p{o, *reader, *output, streamlab::DeadLetters{[&](std::string_view t) { dead_letter->write(t); }}};
  output->write("line,timestamp_ms,sensor_id,value,zscore,prediction,anomaly\n");
  const auto failure =
      p.stages.run({.source = [&](auto& out) { p.source(out); },
                    .in_order = [&](std::vector<Reading>& batch) { p.transform(batch); },
                    .key = [](const Reading& r) { return r.sensor; },  // a sensor's readings: one worker
                    .process = [&](std::size_t worker, Part& part) { p.process(worker, part); },
                    .sink = [&](std::span<Part> parts, std::string_view rows) { p.aggregate_and_sink(parts, rows); },
                    .fraction_read = [&] { return reader->fraction_read(); }});  // for the progress line
  //! [run]
  // A stage failed, or more rows were rejected than --max-reject-rate allows: no output file.
  const double rejected = rate(static_cast<double>(p.dead_letters.total()), static_cast<double>(p.records));
  std::string error = failure ? fmt::format("stage {} failed: {}", failure->stage, failure->message) : "";
  if (!failure && rejected > o.max_reject_rate)
    error = fmt::format("{:.1f}% of the rows were rejected, more than --max-reject-rate {} allows", 100 * rejected,
                        o.max_reject_rate);
  if (error.empty()) output->commit();  // an interrupted run keeps what it read
  dead_letter->commit();                // the dead letters and the summary always: complete for the rows read
  const char* status = !error.empty() ? "failed" : streamlab::interrupted() ? "interrupted" : "complete";
  if (json) write_summary_json(p, status, *json);
  streamlab::banner("09 · Complete Pipeline");
  show_pipeline(p, input);
  show_model(p, spikes);
  show_chart(p);
  // Notice: the seed's example metrics, measured (they vary), and CPU time by stage: where speed-ups pay.
  fmt::print("\nExample metrics (measured on this run):\n");
  streamlab::measured(p.stages.metrics(p.records));
  if (rejected > 0.5)
    fmt::print(stderr, "{}: warning: {:.1f}% of the rows were rejected (is --delimiter right?)\n", app.get_name(),
               100 * rejected);
  if (!error.empty()) {
    fmt::print("\n{}: no output file was written.\n",
               failure ? "Partial results: stage " + failure->stage + " failed" : "Too many rows were rejected");
    if (!streamlab::stdout_closed()) fmt::print(stderr, "{}: error: {}\n", app.get_name(), error);
    return 1;
  }
  if (streamlab::interrupted()) {
    fmt::print("\n{}: the readings read so far were processed and written.\n", streamlab::interrupt_name());
    return streamlab::interrupt_exit_status();
  }
  streamlab::section("✅ Streaming Best Practices");
  fmt::print(
      "1. Use generators for memory efficiency (lessons 01, 03)\n"
      "2. Process in batches for performance (lessons 02, 08)\n"
      "3. Implement proper error handling (lesson 03: bad rows as values; here: dead letters, failed stages)\n"
      "4. Monitor memory usage and throughput (lessons 03, 07; here: the metrics above)\n"
      "5. Handle backpressure gracefully (lesson 08: bounded queues)\n"
      "6. Use appropriate buffer sizes (lesson 08; here: --queue-capacity, --batch-size)\n"
      "7. Consider parallelism carefully (lesson 05; here: --workers, partitioned by sensor)\n");
  streamlab::next_lesson("10_beyond_one_machine");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Lesson 09: Complete pipeline — the seed's eight streaming stages as one concurrent program.",
               "09_complete_pipeline"};
  app.footer(
      "Input: CSV naming the columns timestamp_ms (an integer), sensor_id (any text) and value (a number); a row\n"
      "that does not fit is a dead letter. Exit status: 0 done; 1 a stage failed, too many rows were rejected\n"
      "(--max-reject-rate) or a file could not be written; 2 a bad option or input; 130 Ctrl-C; 143 SIGTERM.");
  app.add_option("--input", o.input, "read FILE (- for stdin) instead of generated data");
  app.add_option("--delimiter", o.delimiter, "the input's field separator: one character ($'\\t' for a tab)");
  app.add_option("--output", o.output, "write the scored readings to FILE (written atomically)");
  app.add_option("--dead-letter", o.dead_letter, "write the rejected rows to FILE (line, reason, text)");
  app.add_option("--summary-json", o.summary_json, "write the summary as one JSON object to FILE");
  app.add_option("--max-reject-rate", o.max_reject_rate, "fail if more than R (0 < R <= 1) of the rows are rejected")
      ->check(CLI::PositiveNumber & CLI::Range(0.0, 1.0));
  streamlab::add_count_option(app, "--rows", o.rows, "rows of generated data (without --input)", 100'000'000);
  streamlab::add_seed_option(app, o.seed);
  streamlab::add_chart_options(app, o.charts);
  streamlab::add_count_option(app, "--batch-size", o.batch_size, "readings per batch (5. Batch)", 1'000'000);
  streamlab::add_count_option(app, "--batch-timeout-ms", o.batch_timeout_ms, "a batch leaves after this long", 60'000);
  streamlab::add_count_option(app, "--queue-capacity", o.queue_capacity, "readings read ahead", 10'000'000);
  streamlab::add_count_option(app, "--workers", o.workers, "threads for 6. Process", 64);
  streamlab::add_count_option(app, "--max-sensors", o.max_sensors, "sensors kept (more: dead letters)", 100'000'000);
  app.add_option("--fail-stage", o.fail_stage)->group("");  // tests only: source, transform, process or sink
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;
  if (app.count("--input") > 0 && o.input.empty()) return streamlab::usage_error(app, "--input needs a file name");
  if (o.delimiter.size() != 1) return streamlab::usage_error(app, "--delimiter needs one character");
  if (const auto path_error = streamlab::check_file_options(
          {{"--input", o.input}},
          {{"--output", o.output}, {"--dead-letter", o.dead_letter}, {"--summary-json", o.summary_json}}))
    return streamlab::usage_error(app, *path_error);  // before any work: a folder as output, or one file named twice
  streamlab::install_interrupt_flag();  // before any work: Ctrl-C or SIGTERM from here on ends the run cleanly
  return streamlab::run_program(app.get_name(), [&] { return run(app, o); });  // every error caught: files removed
}
