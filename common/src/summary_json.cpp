#include "streamlab/summary_json.hpp"

#include "streamlab/keyed_pipeline.hpp"
#include "streamlab/row_error.hpp"

#include <algorithm>
#include <tuple>

namespace streamlab {

namespace {

// Where a label (`reason` or `reason(column)`) sorts: its reason's place in RowError, then its column.
std::pair<std::size_t, std::string_view> label_order(std::string_view label) {
  const std::size_t open = label.find('(');
  const std::string_view reason = label.substr(0, open);
  std::string_view column;
  if (open != std::string_view::npos) {
    column = label.substr(open + 1);
    if (column.ends_with(')')) column.remove_suffix(1);
  }
  const auto known = std::find_if(all_row_errors.begin(), all_row_errors.end(),
                                  [&](RowError e) { return row_error_name(e) == reason; });
  return {known == all_row_errors.end() ? row_error_count : row_error_index(*known), column};
}

}  // namespace

void write_run_counts(JsonWriter& json, const RunCounts& counts) {
  json.key("status").value(counts.status).key("rows_read").value(counts.rows_read);
  json.key("rows_valid").value(counts.rows_valid).key("rows_written").value(counts.rows_written);
  std::vector<std::pair<std::string, std::uint64_t>> rejected = counts.rejected;
  std::stable_sort(rejected.begin(), rejected.end(),
                   [](const auto& a, const auto& b) { return label_order(a.first) < label_order(b.first); });
  json.key("rejected").begin_object();
  for (const auto& [label, count] : rejected) json.key(label).value(count);
  json.end_object();
}

void write_metrics(JsonWriter& json, const PipelineMetrics& metrics) {
  json.key("elapsed_seconds").value(metrics.elapsed_seconds);
  json.key("throughput_rows_per_second").value(metrics.throughput());
  json.key("peak_rss_bytes").value(metrics.peak_rss_bytes).key("batch_latency_ms").begin_object();
  json.key("p50").value(metrics.latency_p50_ms).key("p99").value(metrics.latency_p99_ms).end_object();
}

void write_stats(JsonWriter& json, const OnlineStats& stats) {
  json.key("count").value(stats.count()).key("mean").value(stats.mean()).key("variance").value(stats.variance());
  json.key("min").value(stats.min()).key("max").value(stats.max());
}

}  // namespace streamlab
