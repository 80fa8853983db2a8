// Lesson 03: load data far larger than the memory you allow yourself — line by line, in chunks,
// through a memory map, or only when it is needed — and measure that memory stays flat.
// Run: build/release/lessons/03_memory_efficient_loading [--rows N] [--chunk-size N] [--big-mb N]
//      build/release/lessons/03_memory_efficient_loading --input your.csv
// Golden output: expected_output/03_memory_efficient_loading.txt
#include "streamlab/cli.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/interrupt.hpp"
#include "streamlab/lazy_loaded.hpp"
#include "streamlab/line_reader.hpp"
#include "streamlab/mapped_file.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/program.hpp"
#include "streamlab/random.hpp"
#include "streamlab/sharded_dataset.hpp"
#include "streamlab/temp_dir.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace {

struct Options {
  int lines = 100'000;
  int rows = 50'000;
  int chunk_size = 10'000;
  int floats = 1'000'000;
  int big_mb = 32;
  std::string input;
};

/// The working memory the lesson allows itself, as a yardstick: the big file is several times larger,
/// and streaming it stays well within it. Nothing enforces it (a cgroup's memory.max would): loading the
/// file whole goes far past it.
constexpr int budget_mib = 8;

// A file the lesson could not write (a full disk, `ulimit -f`): an error naming it, never a short file.
std::system_error write_error(const std::filesystem::path& path, const char* what) {
  return {errno, std::generic_category(), path.string() + ": " + what};
}
std::size_t write_block(std::string& block, std::FILE* out, const std::filesystem::path& path) {
  if (std::fwrite(block.data(), 1, block.size(), out) != block.size()) throw write_error(path, "write failed");
  const std::size_t written = block.size();
  block.clear();
  return written;
}
void check_written(std::ofstream& out, const std::filesystem::path& path) {
  if (!out.flush()) throw write_error(path, "write failed");
}

// Writes `rows` sensor readings (timestamp_ms,sensor_id,value), with a few bad rows on purpose.
// Returns the bytes written.
std::uint64_t write_readings(const std::filesystem::path& path, std::int64_t rows, bool with_bad_rows) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out{std::fopen(path.c_str(), "wb"), &std::fclose};
  if (!out) throw write_error(path, "cannot create");
  streamlab::Random random{42};
  std::string block = "timestamp_ms,sensor_id,value\n";
  std::uint64_t written = 0;
  for (std::int64_t i = 0; i < rows; ++i) {
    if (with_bad_rows && i == rows / 2) {
      block += "1700000000000,3,n/a\n";  // a sensor that sent text
    } else if (with_bad_rows && i == rows / 2 + rows / 5) {
      block += "1700000000000,4\n";  // a row cut short
    } else {
      // Two draws in one statement, in a fixed order: as arguments of one call they could be made in
      // either order (g++ and clang differ), and the file would differ between compilers.
      const double value = random.normal(20.0, 5.0);
      const std::int64_t sensor = random.uniform_int(0, 9);
      block += fmt::format("{},{},{:.3f}\n", 1'700'000'000'000 + i * 100, sensor, value);
    }
    if (block.size() > 60'000) {
      written += write_block(block, out.get(), path);
      if (streamlab::interrupted()) break;  // Ctrl-C or SIGTERM: stop writing
    }
  }
  written += write_block(block, out.get(), path);
  if (std::fclose(out.release()) != 0) throw write_error(path, "write failed");
  streamlab::throw_if_interrupted();  // the file closed: out of the lesson, its folder removed on the way
  return written;
}

// 1. The file is read one line at a time: memory holds one line, whatever the file's size.
void generator_loading(const streamlab::TempDir& dir, const Options& options) {
  const auto path = dir.path() / "large_file.txt";
  {
    std::ofstream out(path);
    for (int i = 0; i < options.lines && !streamlab::interrupted(); ++i)
      out << "record " << i << ": " << (i % 7) << '\n';
    check_written(out, path);
  }
  streamlab::throw_if_interrupted();
  fmt::print("1. Generator-based loading:\n");
  fmt::print("   for (const std::string& line : streamlab::read_lines(\"large_file.txt\"))\n");
  fmt::print("       process_line(line);\n");
  //! [lines]
  std::int64_t lines = 0;
  std::int64_t total = 0;
  for (const std::string& line : streamlab::read_lines(path)) {
    ++lines;
    total += line.back() - '0';  // process_line: the digit after the colon
  }
  //! [lines]
  fmt::print("   → {} lines of {}, one at a time; sum of the digit after each colon: {}\n\n", lines, dir.relative(path),
             total);
}

// 2. pandas' chunksize: blocks of rows in column order. Bad rows come out with their line number
// and reason, and the good rows go on.
void chunked_reading(const streamlab::TempDir& dir, const Options& options) {
  const auto path = dir.path() / "data.csv";
  write_readings(path, options.rows, true);
  fmt::print("2. Chunked reading:\n");
  fmt::print("   for (auto& chunk : streamlab::chunks(CsvReader::open(\"data.csv\"), {}))\n", options.chunk_size);
  fmt::print("       process_chunk(chunk);\n");
  //! [chunks]
  auto reader = streamlab::CsvReader::open(path);
  for (auto& chunk : streamlab::chunks(std::move(reader), static_cast<std::size_t>(options.chunk_size))) {
    const auto& values = chunk.column("value");
    double sum = 0;
    for (double v : values) sum += v;
    fmt::print("   → chunk {}: lines {}–{}, {} rows, mean value {:.3f}\n", chunk.index + 1, chunk.first_line,
               chunk.first_line + chunk.rows + chunk.bad_rows.size() - 1, chunk.rows,
               sum / static_cast<double>(std::max<std::size_t>(values.size(), 1)));
    for (const auto& bad : chunk.bad_rows) {
      fmt::print("     bad row, line {}: {} ({})\n", bad.line, streamlab::row_error_name(bad.reason), bad.text);
    }
  }
  //! [chunks]
  fmt::print("\n");
}

// 3. A memory map: the file's bytes become an array without being read into the program first;
// the kernel pages them in as they are touched.
void memory_mapping(const streamlab::TempDir& dir, const Options& options) {
  const auto path = dir.path() / "large_array.dat";
  streamlab::throw_if_interrupted();  // Ctrl-C or SIGTERM in the sections before
  {
    streamlab::Random random{7};
    std::vector<float> values(static_cast<std::size_t>(options.floats));
    for (auto& v : values) v = static_cast<float>(random.uniform01());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(float)));
    check_written(out, path);
  }
  fmt::print("3. Memory mapping:\n");
  fmt::print("   streamlab::MappedFile<float> data{{\"large_array.dat\"}};\n");
  fmt::print("   // Access data without loading all into RAM\n");
  //! [mmap]
  const streamlab::MappedFile<float> data{path};
  double sum = 0;
  for (float x : data) sum += x;
  //! [mmap]
  fmt::print("   → {} float32 values ({} bytes); data[{}] = {:.6f}; mean {:.6f}\n\n", data.size(),
             data.size() * sizeof(float), data.size() / 2, data[data.size() / 2],
             sum / static_cast<double>(data.size()));
}

// 4. Lazy loading: nothing is read until it is used, and only a few shards stay in memory.
void lazy_loading() {
  fmt::print("4. Lazy loading:\n");
  fmt::print("   streamlab::ShardedDataset<Shard> dataset{{8, 2, load_shard}};\n");
  fmt::print("   // Data loaded only when accessed\n");
  //! [lazy]
  std::vector<std::size_t> load_order;
  auto load_shard = [&load_order](std::size_t index) {
    load_order.push_back(index);  // a real loader would read shard_<index>.bin here
    streamlab::Random random{index};
    std::vector<float> shard(1000);
    for (auto& v : shard) v = static_cast<float>(random.uniform01());
    return shard;
  };
  streamlab::ShardedDataset<std::vector<float>> dataset{8, 2, load_shard};
  fmt::print("   → created: 8 shards, {} loaded\n", dataset.resident().size());
  for (std::size_t index : {3u, 5u, 3u, 0u}) {
    const auto shard = dataset.shard(index);
    const auto resident = dataset.resident();
    fmt::print("   → shard {}: first value {:.4f}; in memory (most recent first): {}, {}\n", index, (*shard)[0],
               resident[0], resident.size() > 1 ? std::to_string(resident[1]) : "-");
  }
  fmt::print("   → {} loads, {} evictions; at most 2 of 8 shards held at once\n", dataset.loads(), dataset.evictions());

  streamlab::LazyLoaded<std::size_t> vocabulary{[] { return std::size_t{50'000}; }};
  const bool made_before = vocabulary.loaded();
  const std::size_t words = *vocabulary;  // the first access makes it
  fmt::print("   → Lazy value made before use: {}; after use ({}): {}\n", made_before ? "yes" : "no", words,
             vocabulary.loaded() ? "yes" : "no");
  //! [lazy]
}

// Streaming a file several times larger than the budget keeps memory flat; loading it whole does not.
void memory_stays_flat(const streamlab::TempDir& dir, const Options& options) {
  const auto path = dir.path() / "big.csv";
  const std::int64_t rows = static_cast<std::int64_t>(options.big_mb) * 1'000'000 / 23;  // about 23 bytes a row
  const std::uint64_t bytes = write_readings(path, rows, false);
  fmt::print("Memory budget: {} MiB, a yardstick the lesson sets itself (nothing enforces it)\n", budget_mib);
  fmt::print("{}: {} rows, {:.1f} MB ({:.1f}× the budget)\n", dir.relative(path), rows,
             static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / (budget_mib * 1024.0 * 1024.0));

  // ru_maxrss only goes up, and earlier sections may have set it: so while streaming we also sample
  // the current RSS, and report the highest sample over the RSS before.
  const std::uint64_t rss_before = streamlab::current_rss_bytes();
  std::uint64_t rss_highest = rss_before;
  //! [stream]
  double streamed_sum = 0;
  std::int64_t streamed_rows = 0;
  {
    auto reader = streamlab::CsvReader::open(path);
    const std::size_t value = reader.require_column("value");
    while (auto row = reader.next()) {
      streamlab::throw_if_interrupted();  // Ctrl-C or SIGTERM: out, the folder removed on the way (run_program)
      streamed_sum += row->get<double>(value).value;
      if (++streamed_rows % 65'536 == 0) rss_highest = std::max(rss_highest, streamlab::current_rss_bytes());
    }
  }
  //! [stream]
  const std::uint64_t streaming_peak = std::max(streamlab::peak_rss_bytes(), rss_highest);

  //! [load_all]
  struct Reading {
    std::int64_t timestamp_ms;
    int sensor_id;
    double value;
  };
  std::vector<Reading> everything;  // like pd.read_csv() without chunksize: all rows at once
  {
    std::string text(std::filesystem::file_size(path), '\0');  // the whole file in memory...
    std::ifstream(path, std::ios::binary).read(text.data(), static_cast<std::streamsize>(text.size()));
    auto reader = streamlab::CsvReader::from_string(text);
    while (auto row = reader.next()) {  // ...then every row parsed and kept
      streamlab::throw_if_interrupted();
      everything.push_back({row->get<std::int64_t>(0).value, row->get<int>(1).value, row->get<double>(2).value});
    }
  }
  //! [load_all]
  double loaded_sum = 0;
  for (const auto& reading : everything) loaded_sum += reading.value;
  const std::uint64_t loading_peak = streamlab::peak_rss_bytes();

  fmt::print("Streaming: {} rows; loading everything: {} rows; same sum: {}\n", streamed_rows, everything.size(),
             streamed_sum == loaded_sum ? "yes" : "no");
  streamlab::measured("RSS growth while streaming", streamlab::to_mib(rss_highest - rss_before), "MiB", 1);
  streamlab::measured("Peak RSS growth, loading everything",
                      streamlab::to_mib(loading_peak > streaming_peak ? loading_peak - streaming_peak : 0), "MiB", 1);
}

// --input: the chunked reader on the student's own CSV: numeric columns summarised, bad rows by reason.
struct Summary {
  std::uint64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

int summarise_file(const CLI::App& app, const Options& options) {
  std::optional<streamlab::CsvReader> reader;
  try {
    reader.emplace(options.input == "-" ? streamlab::CsvReader::from_stdin()
                                        : streamlab::CsvReader::open(options.input));
  } catch (const std::exception& error) {
    return streamlab::usage_error(app, error.what());
  }
  if (reader->empty()) return streamlab::usage_error(app, options.input + ": the file is empty (no header row)");

  streamlab::banner("03 · Memory-Efficient Loading");
  streamlab::section("Your CSV: " + (options.input == "-" ? std::string("stdin")
                                                          : std::filesystem::path(options.input).filename().string()));
  const auto header = reader->header();
  std::string columns;
  for (const auto& name : header) columns += (columns.empty() ? "" : ", ") + streamlab::escape_control_bytes(name);
  fmt::print("Columns: {}\n", columns);

  std::vector<std::string> names;
  std::vector<Summary> summaries;
  std::array<std::uint64_t, streamlab::row_error_count> bad_counts{};
  std::array<std::vector<std::uint64_t>, streamlab::row_error_count> bad_lines;
  std::uint64_t good_rows = 0;
  std::size_t chunk_count = 0;
  for (auto& chunk : streamlab::chunks(std::move(*reader), static_cast<std::size_t>(options.chunk_size))) {
    streamlab::throw_if_interrupted();  // Ctrl-C or SIGTERM (one ends a wait on stdin, and the input with it)
    ++chunk_count;
    if (names.empty() && !chunk.names.empty()) {
      names = chunk.names;
      for (auto& name : names) name = streamlab::escape_control_bytes(name);  // header bytes, printed below
      summaries.resize(names.size());
    }
    good_rows += chunk.rows;
    for (std::size_t c = 0; c < chunk.columns.size() && c < summaries.size(); ++c) {
      for (double v : chunk.columns[c]) {
        auto& s = summaries[c];
        ++s.count;
        s.sum += v;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
      }
    }
    for (const auto& bad : chunk.bad_rows) {
      const auto i = streamlab::row_error_index(bad.reason);
      ++bad_counts[i];
      if (bad_lines[i].size() < 5) bad_lines[i].push_back(bad.line);
    }
  }
  streamlab::throw_if_interrupted();
  std::uint64_t bad_rows = 0;
  for (auto n : bad_counts) bad_rows += n;
  fmt::print("Read {} chunk(s) of up to {} rows: {} good rows, {} bad rows\n", chunk_count, options.chunk_size,
             good_rows, bad_rows);
  if (good_rows + bad_rows == 0) fmt::print("The file has a header row but no data rows.\n");

  fmt::print("\nNumeric columns:\n");
  if (names.empty()) fmt::print("  (none)\n");
  for (std::size_t c = 0; c < names.size(); ++c) {
    const auto& s = summaries[c];
    if (s.count == 0) {
      fmt::print("  {}: count 0\n", names[c]);
    } else {
      fmt::print("  {}: count {}, mean {:.4f}, min {:.4f}, max {:.4f}\n", names[c], s.count,
                 s.sum / static_cast<double>(s.count), s.min, s.max);
    }
  }
  if (bad_rows > 0) {
    fmt::print("\nBad rows by reason:\n");
    for (auto reason : streamlab::all_row_errors) {
      const auto i = streamlab::row_error_index(reason);
      if (bad_counts[i] == 0) continue;
      std::string lines;
      for (auto line : bad_lines[i]) lines += (lines.empty() ? "" : ", ") + std::to_string(line);
      fmt::print("  {}: {} (line{} {}{})\n", streamlab::row_error_name(reason), bad_counts[i],
                 bad_counts[i] > 1 ? "s" : "", lines, bad_counts[i] > bad_lines[i].size() ? ", ..." : "");
    }
  }
  streamlab::next_lesson("04_stream_transformations");
  return 0;
}

// The four techniques, then flat memory, each on files written into a temporary folder.
int run(const Options& options) {
  streamlab::TempDir dir{"lesson03"};  // first (no usable TMPDIR: nothing printed); removed on every way out
  streamlab::banner("03 · Memory-Efficient Loading");

  // The seed's four techniques, each run on a file written into a temporary folder.
  streamlab::section("Memory-Efficient Loading");
  fmt::print("Techniques for large datasets:\n\n");
  generator_loading(dir, options);
  chunked_reading(dir, options);
  memory_mapping(dir, options);
  lazy_loading();

  // Notice: streaming grows memory by about 1 MiB (the reader's buffer) whatever the file's size; loading
  // everything grows it by more than twice the file.
  streamlab::section("Memory stays flat");
  memory_stays_flat(dir, options);

  streamlab::next_lesson("04_stream_transformations");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lesson 03: load big files in little memory: generator lines, CSV chunks, a memory map, lazy shards.",
               "03_memory_efficient_loading"};
  Options options;
  streamlab::add_count_option(app, "--lines", options.lines, "lines in large_file.txt (technique 1)", 10'000'000);
  streamlab::add_count_option(app, "--rows", options.rows, "rows in data.csv (technique 2)", 10'000'000);
  streamlab::add_count_option(app, "--chunk-size", options.chunk_size, "rows per chunk", 10'000'000);
  streamlab::add_count_option(app, "--floats", options.floats, "float32 values in large_array.dat (technique 3)",
                              100'000'000);
  streamlab::add_count_option(app, "--big-mb", options.big_mb, "size of the file streamed to show flat memory, MB",
                              4'000);
  app.add_option("--input", options.input, "summarise your own CSV file (header row, then data; - for stdin) and stop");
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;
  // Every error (no usable TMPDIR, a full disk) is caught: one line, exit 1, the temporary folder removed.
  // Ctrl-C or SIGTERM: the loops stop, and run_program prints it and exits with 130 or 143, the folder removed.
  streamlab::install_interrupt_flag();
  return streamlab::run_program(app.get_name(),
                                [&] { return options.input.empty() ? run(options) : summarise_file(app, options); });
}
