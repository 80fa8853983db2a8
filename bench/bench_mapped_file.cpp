// Summing a float32 file that is in the page cache: through MappedFile<float>, through read() in
// 1 MiB chunks, and through std::ifstream. Run from a Release build: build/release/bench/bench_mapped_file
#include "streamlab/input_file.hpp"
#include "streamlab/mapped_file.hpp"
#include "streamlab/random.hpp"
#include "streamlab/temp_dir.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

namespace {

constexpr std::size_t floats = 32u << 20;  // 32 Mi values, 128 MiB

const std::filesystem::path& float_file() {
  static streamlab::TempDir dir{"bench-mmap"};
  static const std::filesystem::path path = [] {
    auto file = dir.path() / "large_array.dat";
    streamlab::Random random{3};
    std::vector<float> values(floats);
    for (auto& v : values) v = static_cast<float>(random.uniform01());
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(values.data()),
               static_cast<std::streamsize>(values.size() * sizeof(float)));
    return file;
  }();
  return path;
}

// Sixteen independent sums, so the adds do not wait on each other and the compiler can use SIMD.
float sum(std::span<const float> values) {
  std::array<float, 16> lanes{};
  std::size_t i = 0;
  for (; i + lanes.size() <= values.size(); i += lanes.size()) {
    for (std::size_t k = 0; k < lanes.size(); ++k) lanes[k] += values[i + k];
  }
  float total = 0;
  for (; i < values.size(); ++i) total += values[i];
  for (float lane : lanes) total += lane;
  return total;
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(floats * sizeof(float)));
}

// The map made once; each iteration scans it (the pages are in the page cache and already mapped).
void mapped_scan(benchmark::State& state) {
  const streamlab::MappedFile<float> data{float_file()};
  for (auto _ : state) benchmark::DoNotOptimize(sum(data.values()));
  report(state);
}
BENCHMARK(mapped_scan)->Unit(benchmark::kMillisecond);

// Map, scan, unmap every time: includes the page faults that wire the cached pages into the map.
void mapped_open_and_scan(benchmark::State& state) {
  for (auto _ : state) {
    const streamlab::MappedFile<float> data{float_file()};
    benchmark::DoNotOptimize(sum(data.values()));
  }
  report(state);
}
BENCHMARK(mapped_open_and_scan)->Unit(benchmark::kMillisecond);

// read() into one 1 MiB buffer, summing each chunk: a copy from the page cache per byte.
void read_1mib_chunks(benchmark::State& state) {
  std::vector<float> buffer((1u << 20) / sizeof(float));
  for (auto _ : state) {
    const streamlab::FileDescriptor file = streamlab::open_input_file(float_file());
    float total = 0;
    for (std::size_t n; (n = streamlab::read_some(file.get(), reinterpret_cast<char*>(buffer.data()),
                                                  buffer.size() * sizeof(float), "bench")) > 0;) {
      total += sum(std::span<const float>(buffer.data(), n / sizeof(float)));
    }
    benchmark::DoNotOptimize(total);
  }
  report(state);
}
BENCHMARK(read_1mib_chunks)->Unit(benchmark::kMillisecond);

// std::ifstream::read into the same 1 MiB buffer.
void ifstream_1mib_chunks(benchmark::State& state) {
  std::vector<float> buffer((1u << 20) / sizeof(float));
  for (auto _ : state) {
    std::ifstream in(float_file(), std::ios::binary);
    float total = 0;
    while (
        in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size() * sizeof(float))) ||
        in.gcount() > 0) {
      total += sum(std::span<const float>(buffer.data(), static_cast<std::size_t>(in.gcount()) / sizeof(float)));
    }
    benchmark::DoNotOptimize(total);
  }
  report(state);
}
BENCHMARK(ifstream_1mib_chunks)->Unit(benchmark::kMillisecond);

}  // namespace
