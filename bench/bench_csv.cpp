// CsvReader on a generated timestamp_ms,sensor_id,value file (1 M rows, all three columns read as
// numbers), beside the naive std::getline + split + std::stod reader it replaces.
// Run from a Release build: build/release/bench/bench_csv
#include "streamlab/csv.hpp"
#include "streamlab/random.hpp"
#include "streamlab/temp_dir.hpp"

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t rows = 1'000'000;

// The file is made once and stays in the page cache, so the benchmarks measure parsing, not the disk.
const std::filesystem::path& readings_file() {
  static streamlab::TempDir dir{"bench-csv"};
  static const std::filesystem::path path = [] {
    auto file = dir.path() / "readings.csv";
    std::FILE* out = std::fopen(file.c_str(), "wb");
    streamlab::Random random{1};
    std::string block = "timestamp_ms,sensor_id,value\n";
    for (std::int64_t i = 0; i < rows; ++i) {
      const double value = random.normal(20.0, 5.0);  // one draw a statement: see random.hpp
      const std::int64_t sensor = random.uniform_int(0, 999);
      block += fmt::format("{},{},{:.4f}\n", 1'700'000'000'000 + i * 100, sensor, value);
      if (block.size() > 60'000) {
        std::fwrite(block.data(), 1, block.size(), out);
        block.clear();
      }
    }
    std::fwrite(block.data(), 1, block.size(), out);
    std::fclose(out);
    return file;
  }();
  return path;
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(std::filesystem::file_size(readings_file())));
  state.SetItemsProcessed(state.iterations() * rows);  // items/s = rows/s
}

// The teaching version: one fixed buffer, fields as string_views, numbers with std::from_chars.
void csv_reader(benchmark::State& state) {
  const auto& path = readings_file();
  for (auto _ : state) {
    auto reader = streamlab::CsvReader::open(path);
    const std::size_t t = reader.require_column("timestamp_ms");
    const std::size_t id = reader.require_column("sensor_id");
    const std::size_t v = reader.require_column("value");
    std::int64_t checksum = 0;
    double sum = 0;
    std::int64_t bad = 0;
    while (auto row = reader.next()) {
      const auto ts = row->get<std::int64_t>(t);
      const auto sensor = row->get<unsigned>(id);
      const auto value = row->get<double>(v);
      if (!row->ok() || streamlab::first_error(ts, sensor, value)) {
        ++bad;
        continue;
      }
      checksum += ts.value + sensor.value;
      sum += value.value;
    }
    if (bad != 0) state.SkipWithError("unexpected bad rows");
    benchmark::DoNotOptimize(checksum);
    benchmark::DoNotOptimize(sum);
  }
  report(state);
}
BENCHMARK(csv_reader)->Unit(benchmark::kMillisecond);

// The same reader, split into chunks of 10,000 rows in column order (pandas' chunksize).
void csv_chunks(benchmark::State& state) {
  const auto& path = readings_file();
  for (auto _ : state) {
    double sum = 0;
    for (auto& chunk :
         streamlab::chunks(streamlab::CsvReader::open(path), 10'000, {"timestamp_ms", "sensor_id", "value"})) {
      for (double x : chunk.columns[2]) sum += x;
    }
    benchmark::DoNotOptimize(sum);
  }
  report(state);
}
BENCHMARK(csv_chunks)->Unit(benchmark::kMillisecond);

// The naive version: std::getline into a std::string, split into std::strings, std::stoll/stod.
void naive_getline(benchmark::State& state) {
  const auto& path = readings_file();
  for (auto _ : state) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    std::int64_t checksum = 0;
    double sum = 0;
    std::vector<std::string> fields;
    while (std::getline(in, line)) {
      fields.clear();
      std::size_t start = 0;
      for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1) {
        fields.push_back(line.substr(start, comma - start));
      }
      fields.push_back(line.substr(start));
      if (fields.size() != 3) continue;
      checksum += std::stoll(fields[0]) + std::stoll(fields[1]);
      sum += std::stod(fields[2]);
    }
    benchmark::DoNotOptimize(checksum);
    benchmark::DoNotOptimize(sum);
  }
  report(state);
}
BENCHMARK(naive_getline)->Unit(benchmark::kMillisecond);

// The ceiling: only finding the line ends (memchr over the same bytes, read() in 128 KiB blocks).
void scan_newlines_only(benchmark::State& state) {
  const auto& path = readings_file();
  std::vector<char> buffer(128 * 1024);
  for (auto _ : state) {
    std::FILE* in = std::fopen(path.c_str(), "rb");
    std::int64_t lines = 0;
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0;) {
      for (const char* p = buffer.data();
           (p = static_cast<const char*>(std::memchr(p, '\n', n - static_cast<std::size_t>(p - buffer.data())))) !=
           nullptr;
           ++p)
        ++lines;
    }
    std::fclose(in);
    benchmark::DoNotOptimize(lines);
  }
  report(state);
}
BENCHMARK(scan_newlines_only)->Unit(benchmark::kMillisecond);

}  // namespace
