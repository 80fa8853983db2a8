// Tests of exercise 03.1, a CSV file in chunks (exercises/03_memory_efficient_loading/1_csv_chunks.hpp).
// Run them with: scripts/exercise 03.1
#include "1_csv_chunks.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using exercise::CsvSummary;
using streamlab::RowError;

namespace {
CsvSummary summarise_text(const std::string& text, std::size_t rows_per_chunk) {
  return exercise::summarise(streamlab::CsvReader::from_string(text), rows_per_chunk);
}

std::size_t bad(const CsvSummary& summary, RowError reason) {
  return summary.bad_rows[streamlab::row_error_index(reason)];
}

std::vector<std::size_t> chunk_rows(const CsvSummary& summary) {
  std::vector<std::size_t> rows;
  for (const auto& chunk : summary.chunks) rows.push_back(chunk.rows);
  return rows;
}

std::vector<double> chunk_sums(const CsvSummary& summary) {
  std::vector<double> sums;
  for (const auto& chunk : summary.chunks) sums.push_back(chunk.sum);
  return sums;
}

// Seven good rows (values 10 to 70) and five bad ones, one of each kind, on lines 4, 6, 9, 10, 11.
const std::string mixed =
    "timestamp,sensor,value\n"
    "1,a,10\n"
    "2,a,20\n"
    "3,a,n/a\n"
    "4,a,30\n"
    "5,a\n"
    "6,a,40\n"
    "7,a,50\n"
    "8,a,\n"
    "9,a,nan\n"
    "10,a,1e400\n"
    "11,a,60\n"
    "12,a,70\n";
}  // namespace

TEST_CASE("csv chunks: 7 good rows in chunks of 3 are chunks of 3, 3 and 1 rows") {
  const std::string text = "timestamp,sensor,value\n1,a,1\n2,a,2\n3,a,3\n4,a,4\n5,a,5\n6,a,6\n7,a,7\n";
  const CsvSummary summary = summarise_text(text, 3);
  CHECK(chunk_rows(summary) == std::vector<std::size_t>{3, 3, 1});
  CHECK(chunk_sums(summary) == std::vector<double>{6, 15, 7});
  CHECK(summary.bad_lines.empty());
}

TEST_CASE("csv chunks: a value that is not a number is counted as not_a_number, with its line, and skipped") {
  const CsvSummary summary = summarise_text("timestamp,sensor,value\n1,a,10\n2,a,n/a\n3,a,30\n", 10);
  CHECK(bad(summary, RowError::not_a_number) == 1);
  CHECK(summary.bad_lines == std::vector<std::uint64_t>{3});
  CHECK(chunk_rows(summary) == std::vector<std::size_t>{2});
  CHECK(chunk_sums(summary) == std::vector<double>{40});
}

TEST_CASE("csv chunks: a row with a field missing is wrong_field_count, and the rows after it are still read") {
  const CsvSummary summary = summarise_text("timestamp,sensor,value\n1,a,10\n2,a\n3,a,30\n4,a,40\n", 10);
  CHECK(bad(summary, RowError::wrong_field_count) == 1);
  CHECK(summary.bad_lines == std::vector<std::uint64_t>{3});
  CHECK(chunk_sums(summary) == std::vector<double>{80});
}

TEST_CASE("csv chunks: bad rows of each reason are counted apart, each with its line") {
  const CsvSummary summary = summarise_text(mixed, 3);
  CHECK(bad(summary, RowError::not_a_number) == 1);
  CHECK(bad(summary, RowError::wrong_field_count) == 1);
  CHECK(bad(summary, RowError::empty_field) == 1);
  CHECK(bad(summary, RowError::non_finite) == 1);
  CHECK(bad(summary, RowError::out_of_range) == 1);
  CHECK(summary.bad_lines == std::vector<std::uint64_t>{4, 6, 9, 10, 11});
}

TEST_CASE("csv chunks: bad rows do not count towards a chunk: 7 good rows among 12 make chunks of 3, 3, 1") {
  const CsvSummary summary = summarise_text(mixed, 3);
  CHECK(chunk_rows(summary) == std::vector<std::size_t>{3, 3, 1});
  CHECK(chunk_sums(summary) == std::vector<double>{60, 150, 70});
}

TEST_CASE("csv chunks: a header and no rows give no chunk and no bad row") {
  const CsvSummary summary = summarise_text("timestamp,sensor,value\n", 3);
  CHECK(summary.chunks.empty());
  CHECK(summary.bad_lines.empty());
}
