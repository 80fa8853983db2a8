// Lesson 07 · Streaming Aggregation — summarise a stream in one pass and constant memory: mean,
// variance and range that stay accurate (Welford), merge across workers (Chan), streaming
// percentiles (P²) and a uniform sample (reservoir). `--input FILE` summarises your own numbers.
//
// Run:    scripts/run-lessons 7        (or build/release/lessons/07_streaming_aggregation --help)
// Golden: expected_output/07_streaming_aggregation.txt
#include "streamlab/chart.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/json_writer.hpp"
#include "streamlab/line_reader.hpp"
#include "streamlab/output.hpp"
#include "streamlab/parse_number.hpp"
#include "streamlab/quantile.hpp"
#include "streamlab/random.hpp"
#include "streamlab/reservoir.hpp"
#include "streamlab/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct Options {
  std::int64_t count = 1000;
  std::int64_t quantile_count = 10'000;
  std::int64_t sample_size = 5;
  std::uint64_t seed = 42;
  std::string input;
  bool json = false;
  streamlab::ChartOptions charts;
};

/// The first `count` readings of the stream, kept in a vector: only for the two-pass check below.
std::vector<double> readings(std::int64_t count, std::uint64_t seed) {
  streamlab::Random rng{seed};
  std::vector<double> values(static_cast<std::size_t>(count));
  for (double& x : values) x = rng.normal(100.0, 15.0);
  return values;
}

// Notice: each line is computed from four numbers kept so far (count, mean, M2, min/max), not from
// the items: the memory is the same after 10 items as after 10 million.
void online_statistics(const Options& options) {
  streamlab::section("Streaming Aggregation");
  fmt::print("Online statistics calculation:\n\n");
  fmt::print("Processing stream...\n");
  streamlab::Random rng{options.seed};
  //! [online]
  streamlab::OnlineStats stats;
  std::int64_t next_report = 10;
  for (std::int64_t i = 1; i <= options.count; ++i) {
    stats.add(rng.normal(100.0, 15.0));
    if (i == next_report || i == options.count) {
      fmt::print("  After {} items:\n", i);
      fmt::print("    Mean: {:.2f}\n", stats.mean());
      fmt::print("    Variance: {:.2f}\n", stats.variance());  // sample variance, n − 1
      fmt::print("    Range: [{:.2f}, {:.2f}]\n", stats.min(), stats.max());
      if (i == next_report) next_report *= 10;
    }
  }
  //! [online]
  fmt::print("\n(Variance is the sample variance, divided by n − 1. The values differ from the Python\n");
  fmt::print("seed's because the random generator differs; both streams are normal(100, 15).)\n");
}

/// The relative error of the textbook formula and of Welford's against two passes, for offsets
/// from 1 to 1e10 (four a decade), as a chart on a log scale: one grows with the offset, the other
/// stays near the rounding of a double.
void error_by_offset_chart(const std::vector<double>& noise, const streamlab::ChartOptions& charts) {
  std::vector<double> exponents, textbook_errors, welford_errors;
  const double n = static_cast<double>(noise.size());
  for (int step = 0; step <= 40; ++step) {
    const double offset = std::pow(10.0, step / 4.0);
    double sum = 0.0, sum_of_squares = 0.0, mean = 0.0, squares = 0.0;
    streamlab::OnlineStats welford;
    for (double x : noise) {
      sum += offset + x;
      sum_of_squares += (offset + x) * (offset + x);
      welford.add(offset + x);
    }
    mean = sum / n;
    for (double x : noise) squares += (offset + x - mean) * (offset + x - mean);
    const double exact = squares / (n - 1);
    exponents.push_back(step / 4.0);
    textbook_errors.push_back(std::abs((sum_of_squares - sum * sum / n) / (n - 1) - exact) / exact);
    welford_errors.push_back(std::abs(welford.variance() - exact) / exact);
  }
  if (charts.draw) {
    streamlab::LineChart chart{"log10(offset)", "relative error of the variance", 60, 12};
    chart.add_line("textbook Σx²", exponents, textbook_errors);
    chart.add_line("Welford", exponents, welford_errors);
    chart.log_y();
    fmt::print("\n{}", chart.render());
    if (chart.skipped() > 0) fmt::print("  (an error of exactly 0 has no place on a log scale)\n");
  }
  if (!charts.plot_data_dir.empty()) {
    streamlab::write_columns_csv(charts.plot_data_dir / "07_variance_error.csv",
                                 {"log10_offset", "textbook", "welford"}, {exponents, textbook_errors, welford_errors});
  }
}

// Notice: the same noise is added to bigger and bigger offsets. The true variance does not change,
// and Welford's does not either; the textbook formula subtracts two nearly equal huge sums and its
// answer turns into rounding noise — here even negative, which no variance can be.
void textbook_formula_fails(const Options& options) {
  streamlab::section("Why the textbook formula fails");
  const std::vector<double> noise = readings(1000, options.seed);  // the same 1000 values each time
  fmt::print("The same 1000 readings of normal(100, 15), shifted by a growing offset. Sample variance by:\n\n");
  fmt::print("  {:>8}   {:>16}   {:>16}   {:>16}\n", "offset", "textbook Σx²", "Welford", "two passes");
  double last_sum_of_squares = 0.0;  // Σx² and Σ(x − mean)² at the last offset, for the note below
  double last_squared_deviations = 0.0;
  for (double offset : {0.0, 1e6, 1e8, 1e9}) {
    //! [textbook]
    double sum = 0.0;
    double sum_of_squares = 0.0;
    streamlab::OnlineStats welford;
    for (double x : noise) {
      const double shifted = offset + x;
      sum += shifted;
      sum_of_squares += shifted * shifted;
      welford.add(shifted);
    }
    const double n = static_cast<double>(noise.size());
    const double textbook = (sum_of_squares - sum * sum / n) / (n - 1);  // cancels catastrophically
    //! [textbook]
    double mean = 0.0;
    for (double x : noise) mean += offset + x;
    mean /= n;
    double squares = 0.0;
    for (double x : noise) squares += (offset + x - mean) * (offset + x - mean);
    fmt::print("  {:>8g}   {:>16.2f}   {:>16.2f}   {:>16.2f}\n", offset, textbook, welford.variance(),
               squares / (n - 1));
    last_sum_of_squares = sum_of_squares;
    last_squared_deviations = squares;
  }
  // The gap to the next double: how coarse Σx² is at that size.
  const double spacing =
      std::nextafter(last_sum_of_squares, std::numeric_limits<double>::infinity()) - last_sum_of_squares;
  fmt::print("\nTextbook: (Σx² − (Σx)²/n) / (n − 1). Two passes: the mean first, then Σ(x − mean)², with\n");
  fmt::print("every value kept in memory — exact enough to judge by, but not a streaming method.\n");
  fmt::print("At offset 1e9, Σx² is about {:.1e}, where neighbouring doubles are {:.0f} apart: a single\n",
             last_sum_of_squares, spacing);
  fmt::print("rounding of Σx² is of the same order as the whole Σ(x − mean)² = {:.0f} the formula is after,\n",
             last_squared_deviations);
  fmt::print("and every one of the {} additions rounds. Welford's update never forms Σx²: it adds small,\n",
             noise.size());
  fmt::print("never negative terms (x − mean) × (x − new mean).\n");
  if (options.charts.draw || !options.charts.plot_data_dir.empty()) error_by_offset_chart(noise, options.charts);
}

/// Summarises readings `begin` to `end` − 1 of the seeded stream as they are made, keeping none.
/// A worker makes the stream from the seed and skips the readings before its share, as a reader
/// of a file seeks to its part: the workers share nothing but the seed.
streamlab::OnlineStats summarise(std::uint64_t seed, std::int64_t begin, std::int64_t end) {
  streamlab::Random rng{seed};
  for (std::int64_t i = 0; i < begin; ++i) rng.normal(100.0, 15.0);  // another worker's share
  streamlab::OnlineStats stats;
  for (std::int64_t i = begin; i < end; ++i) stats.add(rng.normal(100.0, 15.0));
  return stats;
}

void print_summary(std::string_view who, const streamlab::OnlineStats& stats) {
  fmt::print("  {:<22} count {:>4}   mean {:11.6f}   variance {:11.6f}   range [{:.2f}, {:.2f}]\n", who, stats.count(),
             stats.mean(), stats.variance(), stats.min(), stats.max());
}

// Notice: two threads summarise the first 60 % and the other 40 % of the stream; merging their two
// small summaries gives the summary of the whole stream, as one pass over it would — nothing but
// the summaries travels, and no reading is kept.
void merge_workers(const Options& options) {
  streamlab::section("Merging statistics from parallel workers");
  const std::int64_t split = options.count * 3 / 5;  // unequal shares, to show the weights work
  //! [merge]
  streamlab::OnlineStats first;
  streamlab::OnlineStats second;
  std::thread worker_a([&] { first = summarise(options.seed, 0, split); });
  std::thread worker_b([&] { second = summarise(options.seed, split, options.count); });
  worker_a.join();  // wait for both: only then are `first` and `second` complete
  worker_b.join();
  streamlab::OnlineStats merged = first;
  merged.merge(second);
  //! [merge]
  const streamlab::OnlineStats one_pass = summarise(options.seed, 0, options.count);
  print_summary("Worker A (first part):", first);
  print_summary("Worker B (rest):", second);
  print_summary("A merged with B:", merged);
  print_summary("One pass over all:", one_pass);
  const bool same = std::fabs(merged.mean() - one_pass.mean()) <= 1e-12 * std::fabs(one_pass.mean()) &&
                    std::fabs(merged.variance() - one_pass.variance()) <= 1e-12 * one_pass.variance() &&
                    merged.count() == one_pass.count() && merged.min() == one_pass.min() &&
                    merged.max() == one_pass.max();
  fmt::print("Merged equals one pass (to 12 significant digits): {}\n", same ? "yes" : "NO");
}

// Notice: three estimators of five markers each track the percentiles as the data flows by; the
// exact answer needs every value kept and sorted. Latencies are skewed, so p99 is far from the mean.
void streaming_percentiles(const Options& options) {
  streamlab::section("Streaming percentiles");
  streamlab::Random rng{options.seed};
  std::vector<double> kept;  // only for the exact answer; the estimators do not need it
  //! [quantiles]
  streamlab::P2Quantile p50{0.50};
  streamlab::P2Quantile p90{0.90};
  streamlab::P2Quantile p99{0.99};
  for (std::int64_t i = 0; i < options.quantile_count; ++i) {
    const double latency_ms = std::exp(rng.normal(std::log(20.0), 0.5));  // log-normal, median 20 ms
    p50.add(latency_ms);
    p90.add(latency_ms);
    p99.add(latency_ms);
    kept.push_back(latency_ms);
  }
  //! [quantiles]
  std::sort(kept.begin(), kept.end());
  fmt::print("{} request latencies (log-normal, median 20 ms):\n\n", options.quantile_count);
  fmt::print("         streaming (P²)   exact (sorted)\n");
  for (const streamlab::P2Quantile* estimator : {&p50, &p90, &p99}) {
    fmt::print("  p{:<2}   {:>11.2f} ms   {:>11.2f} ms\n", std::lround(estimator->p() * 100), estimator->value(),
               streamlab::exact_quantile(kept, estimator->p()));
  }
  fmt::print("\nMemory: 3 estimators of 5 markers each, against {} values kept and sorted.\n", kept.size());
}

/// One reading of the stream and its place in it.
struct Reading {
  std::int64_t number = 0;
  double value = 0.0;
};

// Notice: every reading had the same chance to be picked, though the stream's length was unknown
// while it flowed; the reservoir never held more than its k readings, and nothing else was kept.
void reservoir_sample(const Options& options) {
  streamlab::section("Reservoir sampling");
  streamlab::Random rng{options.seed};
  //! [reservoir]
  streamlab::Reservoir<Reading> sample{static_cast<std::size_t>(options.sample_size), options.seed};
  for (std::int64_t i = 0; i < options.count; ++i) sample.add({i, rng.normal(100.0, 15.0)});
  //! [reservoir]
  std::vector<Reading> picked(sample.items().begin(), sample.items().end());
  std::sort(picked.begin(), picked.end(), [](const Reading& a, const Reading& b) { return a.number < b.number; });
  fmt::print("A uniform sample of {} of the {} readings (each had a {} in {} chance):\n", picked.size(), sample.seen(),
             picked.size(), sample.seen());
  for (const Reading& reading : picked) fmt::print("  reading #{:<4}  {:.2f}\n", reading.number, reading.value);
}

// ---- --input FILE: the statistics of a student's own numbers ----

/// Reads one number per line and prints their statistics. Returns the exit status.
int summarise_file(const CLI::App& app, const Options& options) {
  const std::string input = options.input == "-" ? "stdin" : options.input;  // for messages
  streamlab::OnlineStats stats;
  streamlab::P2Quantile p50{0.50};
  streamlab::P2Quantile p90{0.90};
  streamlab::P2Quantile p99{0.99};
  std::uint64_t skipped = 0;
  std::uint64_t bad = 0;
  constexpr std::uint64_t bad_lines_shown = 20;
  std::vector<std::string> bad_reports;  // the first bad_lines_shown reports, printed at the end
  try {
    //! [input]
    auto reader =
        options.input == "-" ? streamlab::LineReader::from_stdin() : streamlab::LineReader::open(options.input);
    while (auto line = reader.next()) {
      std::string_view text = line->text;
      if (line->number == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 BOM
      const auto first = text.find_first_not_of(" \t");
      if (first == std::string_view::npos || text[first] == '#') {
        ++skipped;  // blank line or comment
        continue;
      }
      const auto number = reader.truncated() ? streamlab::ParseResult<double>{0.0, streamlab::RowError::line_too_long}
                                             : streamlab::parse_double(text);
      if (!number) {
        if (++bad <= bad_lines_shown) {
          std::string shown(text.substr(0, 40));
          auto unprintable = [](char c) { return c < ' ' || c == '\x7f'; };  // NUL, tabs, bytes >= 0x80...
          std::replace_if(shown.begin(), shown.end(), unprintable, '?');
          bad_reports.push_back(fmt::format("line {}: {}: '{}{}'", line->number,
                                            streamlab::row_error_text(*number.error), shown,
                                            shown.size() < text.size() ? "..." : ""));
        }
        continue;
      }
      stats.add(number.value);
      p50.add(number.value);
      p90.add(number.value);
      p99.add(number.value);
    }
    //! [input]
  } catch (const std::runtime_error& error) {
    return streamlab::usage_error(app, error.what());
  }
  // No numbers at all: statistics of nothing are undefined, so this is an error, in one line.
  if (stats.count() == 0 && bad == 0 && skipped == 0) {
    return streamlab::usage_error(app, fmt::format("{}: the file is empty: no numbers to summarise", input));
  }
  if (stats.count() == 0) {
    return streamlab::usage_error(
        app, fmt::format("{}: no numbers to summarise ({} bad lines, {} blank or comment lines){}", input, bad, skipped,
                         bad_reports.empty() ? "" : "; first bad " + bad_reports.front()));
  }
  for (const std::string& report : bad_reports) fmt::print(stderr, "{}: {}\n", app.get_name(), report);
  if (bad > bad_lines_shown)
    fmt::print(stderr, "{}: ... and {} more bad lines\n", app.get_name(), bad - bad_lines_shown);

  if (options.json) {  // one JSON object on one line; NaN (one number has no variance) as null
    streamlab::JsonWriter json;
    json.begin_object().key("count").value(stats.count()).key("mean").value(stats.mean());
    json.key("variance").value(stats.variance()).key("stddev").value(stats.stddev());
    json.key("min").value(stats.min()).key("max").value(stats.max());
    json.key("p50").value(p50.value()).key("p99").value(p99.value()).end_object();
    fmt::print("{}\n", json.str());
    return 0;
  }
  streamlab::banner("07 · Streaming Aggregation");
  streamlab::section("Your numbers");
  fmt::print("Numbers: {}   bad lines: {}   blank or comment lines: {}\n\n", stats.count(), bad, skipped);
  fmt::print("  Mean: {:.10g}\n", stats.mean());
  fmt::print("  Variance (sample, n − 1): {:.10g}\n", stats.variance());
  fmt::print("  Standard deviation: {:.10g}\n", stats.stddev());
  fmt::print("  Range: [{:.10g}, {:.10g}]\n", stats.min(), stats.max());
  fmt::print("  p50 / p90 / p99 (P² estimates): {:.6g} / {:.6g} / {:.6g}\n", p50.value(), p90.value(), p99.value());
  if (stats.count() < 2) fmt::print("(One number has no sample variance: it is shown as nan.)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Lesson 07: Streaming aggregation — online mean, variance and range; why the textbook formula fails; "
      "merging; streaming percentiles; reservoir sampling. --input FILE summarises your own numbers.",
      "07_streaming_aggregation"};
  Options options;
  streamlab::add_count_option(
      app, "--count", options.count,
      "readings in the stream (reports after 10, 100, ...; the merge and the reservoir read them too)",
      std::int64_t{10'000'000});
  streamlab::add_count_option(app, "--quantile-count", options.quantile_count, "latencies for the percentiles",
                              std::int64_t{10'000'000});
  streamlab::add_count_option(app, "--sample-size", options.sample_size, "readings in the reservoir sample",
                              std::int64_t{100});
  streamlab::add_seed_option(app, options.seed, "seed for the generated data");
  streamlab::add_chart_options(app, options.charts);
  app.add_option("--input", options.input,
                 "summarise FILE (- for stdin) instead: one number per line; blank lines and # comments "
                 "are skipped, bad lines reported on stderr");
  app.add_flag("--json", options.json,
               "with --input: print one JSON object (count, mean, variance, "
               "stddev, min, max, p50, p99)");
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;

  // Checked here, not with CLI11's needs(): its help line "--json Needs: --input" looks like an option with a value.
  if (options.json && app.count("--input") == 0)
    return streamlab::usage_error(app, "--json requires --input (see --help)");
  if (app.count("--input") > 0) {
    if (options.input.empty()) return streamlab::usage_error(app, "--input needs a file name");
    return summarise_file(app, options);
  }

  streamlab::banner("07 · Streaming Aggregation");
  online_statistics(options);
  textbook_formula_fails(options);
  merge_workers(options);
  streaming_percentiles(options);
  reservoir_sample(options);
  streamlab::next_lesson("08_backpressure");
  return 0;
}
