// Lesson 01 · Basic Streaming — produce and consume data one record at a time with a C++20
// coroutine generator, and start processing before the whole input has arrived.
//
// Run:    scripts/run-lessons 1        (or build/release/lessons/01_basic_streaming --help)
// Golden: expected_output/01_basic_streaming.txt
#include "streamlab/cli.hpp"
#include "streamlab/generator.hpp"
#include "streamlab/line_reader.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/random.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <thread>

namespace {

struct Options {
  std::int64_t count = 1000;
  std::int64_t show = 2;
  std::uint64_t seed = 42;
  std::int64_t pieces = 10;
  std::int64_t piece_delay_ms = 30;
  bool from_stdin = false;
};

//! [record]
/// One record of the stream: an id and a reading, as a sensor or a log line would give.
struct Record {
  std::int64_t id;
  double value;
};

/// Makes `count` records, one each time the consumer asks. Nothing is stored: the loop's state
/// (i and the random generator) lives in the coroutine frame between two `co_yield`s.
streamlab::Generator<Record> generate_records(std::int64_t count, std::uint64_t seed) {
  streamlab::Random rng{seed};
  for (std::int64_t i = 0; i < count; ++i) {
    co_yield Record{i, rng.normal(0.0, 1.0)};
  }
}
//! [record]

// The opening of the course: what streaming buys an AI application.
void print_why_streaming_for_ai() {
  fmt::print("\n🎯 Streaming for AI Applications:\n\n");
  streamlab::bullet("Handle datasets larger than memory", 0);
  streamlab::bullet("Process data in real-time", 0);
  streamlab::bullet("Reduce latency and memory usage", 0);
  streamlab::bullet("Enable continuous learning", 0);
}

// Notice: the loop looks like a loop over a container, but only one Record exists at a time.
void stream_records(const Options& options) {
  streamlab::section("Basic Streaming");
  fmt::print("Why streaming matters:\n");
  streamlab::bullet("Process data that doesn't fit in memory");
  streamlab::bullet("Start processing before full download");
  streamlab::bullet("Reduce memory footprint");
  streamlab::bullet("Enable real-time processing");

  fmt::print("\nStreaming {} records:\n", options.count);
  //! [consume]
  std::int64_t streamed = 0;
  double sum = 0.0;
  for (const Record& record : generate_records(options.count, options.seed)) {
    if (record.id < options.show) fmt::print("  Streaming: Record {}\n", record.id);
    if (record.id == options.show && options.count > options.show) fmt::print("  ... (continues streaming)\n");
    ++streamed;
    sum += record.value;
  }
  //! [consume]
  if (options.count > options.show) fmt::print("  Streaming: Record {}\n", options.count - 1);
  fmt::print("Streamed {} records, one at a time; the stream ended by itself.\n", streamed);
  fmt::print("Mean value: {:.4f} (computed on the fly, no list kept)\n", sum / static_cast<double>(streamed));
}

// Notice: each record is made only when the loop asks for it — producer and consumer take turns.
void show_laziness() {
  streamlab::section("A generator runs only when asked");
  //! [lazy]
  auto traced = []() -> streamlab::Generator<int> {
    for (int i = 0; i < 3; ++i) {
      fmt::print("  generator: making record {}\n", i);
      co_yield i;
    }
    fmt::print("  generator: done\n");
  };
  auto records = traced();
  fmt::print("  (generator created: nothing has run yet)\n");
  for (int id : records) fmt::print("  consumer:  got record {}\n", id);
  //! [lazy]
}

/// Writes all of `size` bytes to `fd`, retrying after a signal. False when the reader went away.
bool write_all(int fd, const char* data, std::size_t size) {
  for (std::size_t written = 0; written < size;) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

/// Writes `count` lines into the pipe in `pieces` pieces, pausing between pieces like a slow
/// download. Runs on its own thread; closes the pipe's write end when done. A piece is formatted
/// into one small buffer that is written out each time it fills, so the producer's memory does not
/// grow with `--count` and the first lines reach the pipe at once.
void produce_in_pieces(int fd, const Options& options, std::atomic<bool>& finished) {
  constexpr std::size_t write_buffer_bytes = 64 * 1024;  // a pipe's default capacity on Linux
  const std::int64_t per_piece = (options.count + options.pieces - 1) / options.pieces;
  fmt::memory_buffer buffer;
  bool reader_open = true;
  for (std::int64_t start = 0; reader_open && start < options.count; start += per_piece) {
    const std::int64_t stop = std::min(options.count, start + per_piece);
    for (std::int64_t id = start; reader_open && id < stop; ++id) {
      fmt::format_to(std::back_inserter(buffer), "record {}\n", id);
      if (buffer.size() >= write_buffer_bytes) {
        reader_open = write_all(fd, buffer.data(), buffer.size());
        buffer.clear();
      }
    }
    if (reader_open) reader_open = write_all(fd, buffer.data(), buffer.size());  // the piece's tail
    buffer.clear();
    if (reader_open && stop < options.count) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options.piece_delay_ms));
    }
  }
  finished.store(true, std::memory_order_release);
  ::close(fd);
}

// Notice: the consumer handles the first records while the producer is still "downloading".
void process_before_download_finishes(const Options& options) {
  streamlab::section("Start processing before the full download");
  const std::int64_t pieces = std::min(options.pieces, options.count);
  fmt::print("A producer thread writes {} records into a pipe in {} pieces, {} ms apart;\n", options.count, pieces,
             options.piece_delay_ms);
  fmt::print("the consumer reads lines from the pipe as they arrive.\n\n");

  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("cannot create a pipe");
  std::atomic<bool> producer_finished{false};
  streamlab::Stopwatch watch;
  std::thread producer(produce_in_pieces, fds[1], std::cref(options), std::ref(producer_finished));

  //! [pipe]
  auto reader = streamlab::LineReader::from_fd(fds[0]);
  std::int64_t processed = 0;
  std::int64_t processed_before_producer_finished = 0;
  double first_record_ms = 0.0;
  while (auto line = reader.next()) {
    if (processed == 0) first_record_ms = watch.elapsed_ms();
    ++processed;
    if (!producer_finished.load(std::memory_order_acquire)) ++processed_before_producer_finished;
  }
  //! [pipe]
  const double all_records_ms = watch.elapsed_ms();
  producer.join();
  ::close(fds[0]);

  fmt::print("Records processed: {} of {}\n", processed, options.count);
  streamlab::measured("First record processed after", first_record_ms, "ms");
  streamlab::measured("All records processed after", all_records_ms, "ms");
  streamlab::measured("Records processed before the producer finished",
                      static_cast<double>(processed_before_producer_finished), "", 0);
}

// Streams the student's own lines from stdin: `seq 5 | 01_basic_streaming --stdin`.
int stream_stdin(const Options& options) {
  streamlab::section("Streaming your input");
  auto reader = streamlab::LineReader::from_stdin();
  std::uint64_t lines = 0;
  std::uint64_t cut = 0;
  while (auto line = reader.next()) {
    ++lines;
    if (reader.truncated()) ++cut;
    if (static_cast<std::int64_t>(line->number) <= options.show) {
      fmt::print("  Streaming: line {}: {}\n", line->number, line->text);
    }
  }
  if (static_cast<std::int64_t>(lines) > options.show)
    fmt::print("  ... ({} more lines)\n", lines - static_cast<std::uint64_t>(options.show));
  fmt::print("Streamed {} lines ({} bytes), one at a time.\n", lines, reader.bytes_read());
  if (cut > 0) fmt::print("{} lines were longer than 1 MiB and were cut.\n", cut);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Lesson 01: Basic streaming — stream records through a C++20 generator, and process a pipe while it is "
      "still being written.",
      "01_basic_streaming"};
  Options options;
  streamlab::add_count_option(app, "--count", options.count, "records to stream", std::int64_t{10'000'000});
  app.add_option("--show", options.show, "records to print at the start of the stream")
      ->check(streamlab::whole_number_in(0, 1000))
      ->capture_default_str();
  streamlab::add_seed_option(app, options.seed, "seed for the records' values");
  streamlab::add_count_option(app, "--pieces", options.pieces, "pieces the producer writes the pipe in",
                              std::int64_t{1000});
  app.add_option("--piece-delay-ms", options.piece_delay_ms, "pause between two pieces, in milliseconds")
      ->check(streamlab::whole_number_in(0, 1000))
      ->capture_default_str();
  app.add_flag("--stdin", options.from_stdin, "stream your own lines from standard input instead");
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;

  streamlab::banner("01 · Basic Streaming");
  if (options.from_stdin) return stream_stdin(options);

  print_why_streaming_for_ai();
  stream_records(options);
  show_laziness();
  process_before_download_finishes(options);
  streamlab::next_lesson("02_batch_processing");
  return 0;
}
