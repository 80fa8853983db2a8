// A run's summary as JSON: how it ended, its counts, its rejections by reason, its measurements, per-key statistics.
#pragma once

#include "streamlab/json_writer.hpp"
#include "streamlab/stats.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamlab {

struct PipelineMetrics;  // keyed_pipeline.hpp

/// How a run ended and what it counted: the first members of its summary.
///
/// The three write functions of this header make the summary that lesson 09 writes with
/// `--summary-json`, and that lesson 10 writes from the partial results of several processes:
/// one schema, so that the two can be compared. Each writes members into the object that is open
/// in `json` and leaves it open, for the caller's own members. Not thread-safe (a JsonWriter).
///
/// **Example**
/// \code
/// streamlab::JsonWriter json{[&](std::string_view text) { file.write(text); }};
/// json.begin_object();
/// streamlab::write_run_counts(json, {"complete", read, valid, written, dead_letters.counts()});
/// streamlab::write_metrics(json, pipeline.metrics(read));
/// json.key("sensors").begin_object();
/// for (const auto& [name, stats] : sensors) {
///   json.key(name).begin_object();
///   streamlab::write_stats(json, stats);   // "count": 3, "mean": 2.5, ...
///   json.end_object();
/// }
/// json.end_object().end_object();          // the rest goes out, and a line end
/// \endcode
struct RunCounts {
  std::string_view status;         ///< `complete`, `interrupted` or `failed`
  std::uint64_t rows_read = 0;     ///< records read, the rejected ones included
  std::uint64_t rows_valid = 0;    ///< records that passed the parse and the filter
  std::uint64_t rows_written = 0;  ///< rows the sink wrote
  /// Rejected rows by reason and column, labelled as DeadLetters labels them (`not_a_number(value)`,
  /// `wrong_field_count`), with their counts: DeadLetters::counts(), say. Any order.
  std::vector<std::pair<std::string, std::uint64_t>> rejected;
};

/// Writes `counts` as members of the JSON object open in `json`: `status`, `rows_read`,
/// `rows_valid`, `rows_written`, and `rejected`, an object of the labels and their counts in
/// RowError's order, then by column (DeadLetters' order, whatever order they come in; a label of
/// no known reason last). Two programs that count the same run write the same text.
void write_run_counts(JsonWriter& json, const RunCounts& counts);

/// Writes a run's measurements as members of the open object: `elapsed_seconds`,
/// `throughput_rows_per_second`, `peak_rss_bytes`, and `batch_latency_ms`, an object of `p50`
/// and `p99`.
void write_metrics(JsonWriter& json, const PipelineMetrics& metrics);

/// Writes `stats` as members of the open object: `count`, `mean`, `variance` (the sample
/// variance), `min`, `max`; what is undefined for so few values (NaN) is `null`.
void write_stats(JsonWriter& json, const OnlineStats& stats);

}  // namespace streamlab
