// Exercise 03.1 ★★ — A CSV file in chunks: bad rows counted by reason, never fatal
//
// Lesson 03 reads data.csv in chunks of rows (pandas' chunksize) and reports each bad row with its
// line and reason — `not_a_number (1700000000000,3,n/a)` — and goes on. Write the loop of
// summarise(reader, rows_per_chunk): read every record with reader.next() until it returns
// std::nullopt, and
//
// - a good row adds its "value" to the current chunk (chunk.rows, chunk.sum);
// - a bad row is counted under its reason (with count_bad_row below) and skipped, and reading
//   goes on: a row is bad when it is malformed (row->ok() is false; row->error() says why) or
//   when its value is not a finite number (row->get<double>(value_column) gives a Field whose
//   .error says why: empty_field, not_a_number, out_of_range, non_finite);
// - a chunk is complete after rows_per_chunk good rows; the last one may hold fewer, but never
//   none. Bad rows do not count towards a chunk.
//
// Check it:  scripts/exercise 03.1        Stuck?  scripts/exercise --hint 03.1
#pragma once

#include "streamlab/csv.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace exercise {

/// The good rows of one chunk: how many, and the sum of their values.
struct Chunk {
  std::size_t rows = 0;
  double sum = 0.0;
};

/// What summarise() found: the chunks in order, and the bad rows by reason.
struct CsvSummary {
  std::vector<Chunk> chunks;
  /// bad_rows[streamlab::row_error_index(reason)]: how many rows were rejected for that reason.
  std::array<std::size_t, streamlab::row_error_count> bad_rows{};
  /// The line of each bad row, in order.
  std::vector<std::uint64_t> bad_lines;
};

/// Counts one bad row: its reason and its line.
inline void count_bad_row(CsvSummary& summary, std::uint64_t line, streamlab::RowError reason) {
  ++summary.bad_rows[streamlab::row_error_index(reason)];
  summary.bad_lines.push_back(line);
}

/// Reads all of `reader` (a header with a "value" column, then rows) in chunks of rows_per_chunk
/// good rows (rows_per_chunk >= 1).
inline CsvSummary summarise(streamlab::CsvReader reader, [[maybe_unused]] std::size_t rows_per_chunk) {
  CsvSummary summary;
  [[maybe_unused]] const std::size_t value_column = reader.require_column("value");
  [[maybe_unused]] Chunk chunk;  // the chunk being filled
  // TODO: read every row; add good ones to `chunk`, count bad ones by reason; keep the chunks.
  return summary;
}

}  // namespace exercise
