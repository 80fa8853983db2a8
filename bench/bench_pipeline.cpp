// bench_pipeline: the cost of running lesson 09's stages on threads joined by bounded queues,
// against the same work in one plain loop, on a generated sensor CSV (the whole pipeline: read,
// parse, filter, per-sensor statistics, adaptive batches, formatted output file written atomically).
//
// For the lesson's own end-to-end figures (its model, dead letters, peak RSS at 1 M and 20 M rows)
// run the lesson: see bench/README.md, "Complete pipeline".
#include "streamlab/adaptive_batcher.hpp"
#include "streamlab/atomic_file.hpp"
#include "streamlab/bounded_queue.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/mapped_file.hpp"
#include "streamlab/number_text.hpp"
#include "streamlab/random.hpp"
#include "streamlab/stage_group.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/temp_dir.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Reading {
  std::uint64_t line;
  std::int64_t ts;
  std::uint64_t sensor;
  double value;
};

// One generated file per row count, kept for the whole run.
const fs::path& data_file(std::int64_t rows) {
  static streamlab::TempDir dir{"bench_pipeline"};
  static std::map<std::int64_t, fs::path> files;
  auto [it, fresh] = files.try_emplace(rows, dir.path() / fmt::format("rows{}.csv", rows));
  if (fresh) {
    streamlab::Random rng{42};
    streamlab::AtomicFile out{it->second};
    out.write("timestamp_ms,sensor_id,value\n");
    for (std::int64_t i = 0; i < rows; ++i) {
      const auto sensor = i % 16;
      out.write(fmt::format("{},{},{:.3f}\n", 1'700'000'000'000 + i * 10, sensor,
                            20.0 + 2.5 * static_cast<double>(sensor) + rng.normal(0.0, 0.5)));
    }
    out.commit();
  }
  return it->second;
}

std::optional<Reading> to_reading(const streamlab::CsvRow& row) {
  if (!row.ok()) return std::nullopt;
  const auto ts = row.get<std::int64_t>(0);
  const auto sensor = row.get<std::uint64_t>(1);
  const auto value = row.get<double>(2);
  if (streamlab::first_error(ts, sensor, value)) return std::nullopt;
  return Reading{row.line(), ts.value, sensor.value, value.value};
}

// What the lesson's model adds to an output line: its forecast (if it had one) and the anomaly flag.
struct Forecast {
  bool predicted = false;
  double prediction = 0;
  bool anomaly = false;
};

// One output line, written as lesson 09 writes it (number_text.hpp, not fmt): line, timestamp,
// sensor, value, z-score, and — given a forecast — the lesson's prediction and anomaly columns.
void format_row(std::string& text, const Reading& r, double z, const Forecast* forecast = nullptr) {
  using namespace streamlab;
  char line[3 * max_integer_chars + max_shortest_chars + 2 * max_fixed_chars + 8];
  char* p = write_integer(line, r.line);
  *p++ = ',';
  p = write_integer(p, r.ts);
  *p++ = ',';
  p = write_integer(p, r.sensor);
  *p++ = ',';
  p = write_shortest(p, r.value);
  *p++ = ',';
  p = write_fixed(p, z, 4);
  if (forecast) {
    *p++ = ',';
    if (forecast->predicted) p = write_fixed(p, forecast->prediction, 4);
    *p++ = ',';
    *p++ = forecast->anomaly ? '1' : '0';
  }
  *p++ = '\n';
  text.append(line, static_cast<std::size_t>(p - line));
}

// The sink's work for one batch of scored readings: their lines, in one write.
void write_batch(streamlab::AtomicFile& out, std::string& text, const std::vector<std::pair<Reading, double>>& batch) {
  text.clear();
  for (const auto& [r, z] : batch) format_row(text, r, z);
  out.write(text);
}

// Statistics per sensor, z-score before learning (sensor ids here are 0–15).
struct Sensors {
  std::array<streamlab::OnlineStats, 16> stats;
  double zscore(const Reading& r) {
    auto& s = stats[r.sensor % 16];
    const double z = s.count() >= 2 ? (r.value - s.mean()) / s.stddev() : 0.0;
    s.add(r.value);
    return z;
  }
};

// The naive baseline: everything in one loop on one thread.
void one_loop(benchmark::State& state) {
  const auto& input = data_file(state.range(0));
  streamlab::TempDir out_dir{"bench_pipeline_out"};
  for (auto _ : state) {
    auto reader = streamlab::CsvReader::open(input);
    streamlab::AtomicFile out{out_dir.path() / "out.csv"};
    Sensors sensors;
    std::string text;
    while (auto row = reader.next()) {
      if (auto r = to_reading(*row)) format_row(text, *r, sensors.zscore(*r));
      if (text.size() > 60'000) {
        out.write(text);
        text.clear();
      }
    }
    out.write(text);
    out.commit();
    benchmark::DoNotOptimize(sensors.stats[0].mean());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(fs::file_size(input)));
}

// Lesson 09's shape as it first was: source → (BoundedQueue of readings) → transform + AdaptiveBatcher →
// (BoundedQueue of batches) → sink, each on its own thread, run by a StageGroup.
void staged(benchmark::State& state) {
  const auto& input = data_file(state.range(0));
  streamlab::TempDir out_dir{"bench_pipeline_out"};
  for (auto _ : state) {
    auto reader = streamlab::CsvReader::open(input);
    streamlab::AtomicFile out{out_dir.path() / "out.csv"};
    streamlab::BoundedQueue<Reading> readings{8192};
    streamlab::BoundedQueue<std::vector<std::pair<Reading, double>>> batches{4};
    Sensors sensors;
    streamlab::StageGroup stages;
    stages.on_failure([&] {
      readings.close();
      batches.close();
    });
    stages.run("source", [&] {
      std::vector<Reading> chunk;
      chunk.reserve(512);
      while (auto row = reader.next()) {
        if (auto r = to_reading(*row)) chunk.push_back(*r);
        if (chunk.size() == 512) {
          readings.push_many(std::span(chunk));
          chunk.clear();
        }
      }
      readings.push_many(std::span(chunk));
      readings.close();
    });
    stages.run("transform", [&] {
      streamlab::AdaptiveBatcher<std::pair<Reading, double>> batcher{1000, std::chrono::milliseconds(50)};
      std::vector<Reading> in;
      while (readings.pop_many(in, 4096) > 0) {
        for (const Reading& r : in) {
          if (auto b = batcher.add({r, sensors.zscore(r)})) batches.push(std::move(*b));
        }
        in.clear();
      }
      if (auto b = batcher.flush()) batches.push(std::move(*b));
      batches.close();
    });
    stages.run("sink", [&] {
      std::string text;
      while (auto b = batches.pop()) write_batch(out, text, *b);
    });
    stages.join();
    out.commit();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(fs::file_size(input)));
}

// The same three stages as lesson 09 ran them before its output was put back in input order
// (2026-11-26): chunks of 1,024 readings moved through the
// queue as vectors, batches of 4,096 with one clock read per chunk, and used batches and chunks
// sent back upstream to be filled again, so nothing is allocated per batch.
void staged_reusing(benchmark::State& state) {
  using Scored = std::pair<Reading, double>;
  constexpr std::size_t chunk_size = 1024;
  const auto& input = data_file(state.range(0));
  streamlab::TempDir out_dir{"bench_pipeline_out"};
  for (auto _ : state) {
    auto reader = streamlab::CsvReader::open(input);
    streamlab::AtomicFile out{out_dir.path() / "out.csv"};
    streamlab::BoundedQueue<std::vector<Reading>> chunks{8}, empty_chunks{8};
    streamlab::BoundedQueue<std::vector<Scored>> batches{4}, used{4};
    Sensors sensors;
    streamlab::StageGroup stages;
    stages.on_failure([&] {
      for (auto* queue : {&chunks, &empty_chunks}) queue->close();
      for (auto* queue : {&batches, &used}) queue->close();
    });
    stages.run("source", [&] {
      auto next_chunk = [&] {
        if (auto spare = empty_chunks.try_pop()) return std::move(*spare);
        std::vector<Reading> fresh;
        fresh.reserve(chunk_size);
        return fresh;
      };
      std::vector<Reading> chunk = next_chunk();
      while (auto row = reader.next()) {
        if (auto r = to_reading(*row)) chunk.push_back(*r);
        if (chunk.size() == chunk_size) {
          chunks.push(std::move(chunk));
          chunk = next_chunk();
        }
      }
      if (!chunk.empty()) chunks.push(std::move(chunk));
      chunks.close();
    });
    stages.run("transform", [&] {
      streamlab::AdaptiveBatcher<Scored> batcher{4096, std::chrono::milliseconds(50)};
      while (auto in = chunks.pop()) {
        const auto now = batcher.clock().now();
        for (const Reading& r : *in) {
          if (auto b = batcher.add({r, sensors.zscore(r)}, now)) {
            while (auto spare = used.try_pop()) batcher.recycle(std::move(*spare));
            batches.push(std::move(*b));
          }
        }
        in->clear();
        empty_chunks.try_push(std::move(*in));
      }
      if (auto b = batcher.flush()) batches.push(std::move(*b));
      batches.close();
    });
    stages.run("sink", [&] {
      std::string text;
      while (auto b = batches.pop()) {
        write_batch(out, text, *b);
        used.try_push(std::move(*b));
      }
    });
    stages.join();
    out.commit();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(fs::file_size(input)));
}

// The floor for lesson 09's work on two cores: the file cut in two at a line break, and each half
// read, parsed, scored (z-score, the lesson's moving-average model with anomalies) and written out
// with the lesson's seven output columns by its own thread, sharing nothing — no queues, no
// batches, no aggregate, no order to keep. (Its numbers are wrong for the second half's first
// readings: each half starts its sensors afresh.) No pipeline that does this work on this machine
// can beat it; bench/README.md sets lesson 09's throughput target against it. Like the lesson's
// Throughput line, the time stops before the output files are committed (fsync and rename).
void two_halves_floor(benchmark::State& state) {
  const auto& input = data_file(state.range(0));
  streamlab::TempDir out_dir{"bench_pipeline_out"};
  const streamlab::MappedBytes map{input};
  const std::string_view all{reinterpret_cast<const char*>(map.bytes().data()), map.bytes().size()};
  const std::size_t cut = all.find('\n', all.size() / 2) + 1;
  struct Model {
    streamlab::ExponentialMovingAverage level{0.3};
    streamlab::OnlineStats errors;
  };
  auto half = [&](std::string_view text, bool header, streamlab::AtomicFile& out) {
    auto reader = streamlab::CsvReader::from_string(text, streamlab::CsvOptions{.has_header = header});
    Sensors sensors;
    std::array<Model, 16> models;
    std::string lines;
    while (auto row = reader.next()) {
      auto r = to_reading(*row);
      if (!r) continue;
      const double z = sensors.zscore(*r);
      Model& m = models[r->sensor % 16];
      Forecast forecast;
      forecast.predicted = m.level.count() > 0;
      if (forecast.predicted) {
        forecast.prediction = m.level.value();
        const double error = r->value - forecast.prediction;
        forecast.anomaly = m.errors.count() >= 30 && std::abs(error) > 5.0 * m.errors.stddev();
        if (!forecast.anomaly) m.errors.add(error);
      }
      if (!forecast.anomaly) m.level.add(r->value);
      format_row(lines, *r, z, &forecast);
      if (lines.size() > (std::size_t{1} << 18)) {
        out.write(lines);
        lines.clear();
      }
    }
    out.write(lines);
  };
  for (auto _ : state) {
    streamlab::AtomicFile first{out_dir.path() / "first.csv"}, second{out_dir.path() / "second.csv"};
    std::thread other([&] { half(all.substr(cut), false, second); });
    half(all.substr(0, cut), true, first);
    other.join();
    state.PauseTiming();
    first.commit();
    second.commit();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(all.size()));
}

// Just reading and parsing: the ceiling for any pipeline over this file on one core.
void read_and_parse_only(benchmark::State& state) {
  const auto& input = data_file(state.range(0));
  for (auto _ : state) {
    auto reader = streamlab::CsvReader::open(input);
    double sum = 0;
    while (auto row = reader.next()) {
      if (auto r = to_reading(*row)) sum += r->value;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(fs::file_size(input)));
}

}  // namespace

BENCHMARK(read_and_parse_only)->Arg(5'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(one_loop)->Arg(5'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(staged)->Arg(5'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(staged_reusing)->Arg(5'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(two_halves_floor)->Arg(5'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
