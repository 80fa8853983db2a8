#include "streamlab/summary_json.hpp"

#include "streamlab/dead_letters.hpp"
#include "streamlab/keyed_pipeline.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using streamlab::JsonWriter;

namespace {

// The members a write function puts in an object, as text: `{...}`.
template <typename Write>
std::string object_with(Write write) {
  JsonWriter json;
  json.begin_object();
  write(json);
  json.end_object();
  return json.str();
}

}  // namespace

TEST_CASE("write_run_counts: status, counts and rejected rows by label, in the object that is open") {
  const std::string text = object_with([](JsonWriter& json) {
    streamlab::write_run_counts(json, {"complete", 10, 7, 7, {{"wrong_field_count", 2}, {"not_a_number(value)", 1}}});
    json.key("mine").value(true);  // the object stays open for the caller's members
  });
  CHECK(text == R"json({"status": "complete", "rows_read": 10, "rows_valid": 7, "rows_written": 7, )json"
                R"json("rejected": {"wrong_field_count": 2, "not_a_number(value)": 1}, "mine": true})json");
}

TEST_CASE("write_run_counts: rejected labels in RowError's order, then by column, whatever order they come in") {
  const auto rejected = [](const streamlab::RunCounts& counts) {
    const std::string text = object_with([&](JsonWriter& json) { streamlab::write_run_counts(json, counts); });
    return text.substr(text.find("\"rejected\""));
  };
  // Lesson 10 has its labels from a std::map (in the order of their text): the same text as lesson 09's.
  CHECK(rejected({"failed",
                  20,
                  0,
                  0,
                  {{"empty_field(sensor_id)", 2},
                   {"empty_field(value)", 3},
                   {"no_such_reason", 6},
                   {"out_of_range(value)", 4},
                   {"too_many_keys(sensor_id)", 5},
                   {"wrong_field_count", 1}}}) ==
        R"json("rejected": {"wrong_field_count": 1, "empty_field(sensor_id)": 2, "empty_field(value)": 3, )json"
        R"json("out_of_range(value)": 4, "too_many_keys(sensor_id)": 5, "no_such_reason": 6}})json");
  // DeadLetters::counts() is in that order already: it goes through as it is.
  streamlab::DeadLetters dead{[](std::string_view) {}};
  dead.add(1, streamlab::RowError::too_many_keys, "sensor_id", "x");
  dead.add(2, streamlab::RowError::empty_field, "value", "x");
  dead.add(3, streamlab::RowError::wrong_field_count, "", "x");
  dead.add(4, streamlab::RowError::empty_field, "sensor_id", "x");
  CHECK(rejected({"failed", 4, 0, 0, dead.counts()}) ==
        R"json("rejected": {"wrong_field_count": 1, "empty_field(sensor_id)": 1, "empty_field(value)": 1, )json"
        R"json("too_many_keys(sensor_id)": 1}})json");
  CHECK(rejected({"complete", 0, 0, 0, {}}) == R"json("rejected": {}})json");
}

TEST_CASE("write_metrics: elapsed time, throughput, peak memory and batch latency") {
  const streamlab::PipelineMetrics metrics{.records_read = 12,
                                           .records_written = 10,
                                           .source_seconds = 1,
                                           .elapsed_seconds = 4,
                                           .batches = 2,
                                           .latency_p50_ms = 0.5,
                                           .latency_p99_ms = 1.25,
                                           .peak_rss_bytes = 4096};
  CHECK(object_with([&](JsonWriter& json) { streamlab::write_metrics(json, metrics); }) ==
        R"json({"elapsed_seconds": 4, "throughput_rows_per_second": 2.5, "peak_rss_bytes": 4096, )json"
        R"json("batch_latency_ms": {"p50": 0.5, "p99": 1.25}})json");
}

TEST_CASE("write_stats: count, mean, sample variance, min and max, and null where there are too few values") {
  streamlab::OnlineStats stats;
  const auto written = [&] { return object_with([&](JsonWriter& json) { streamlab::write_stats(json, stats); }); };
  CHECK(written() == R"json({"count": 0, "mean": null, "variance": null, "min": null, "max": null})json");
  stats.add(2);
  CHECK(written() == R"json({"count": 1, "mean": 2, "variance": null, "min": 2, "max": 2})json");
  stats.add(4), stats.add(6);
  CHECK(written() == R"json({"count": 3, "mean": 4, "variance": 4, "min": 2, "max": 6})json");
}
