// Command-line handling shared by every lesson: --help exits 0, bad usage prints one line and exits 2.
#pragma once

#include "streamlab/chart.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace streamlab {

/// Exit status for bad usage or unreadable input, in every lesson.
inline constexpr int exit_usage = 2;

/// Parses a lesson's command line with CLI11 and decides whether the lesson should go on.
///
/// Returns `std::nullopt` when the lesson should run, or the exit status to return from `main`:
/// 0 after `--help` printed the usage or `--version` the version on stdout (every lesson gets
/// `--version`), `exit_usage` (2) after a bad option printed one line on stderr,
/// `NAME: error: MESSAGE (see --help)`, with MESSAGE from command_line_error().
///
/// **Example**
/// \code
/// int main(int argc, char** argv) {
///   CLI::App app{"Streams records through a generator.", "01_basic_streaming"};
///   int count = 1000;
///   streamlab::add_count_option(app, "--count", count, "records to stream", 1'000'000);
///   if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;
///   ...
/// }
/// \endcode
std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv);

/// The one-line message for a command-line error: CLI11's own text, except for a missing value
/// (`--count needs a value`), a repeated option (`--count is given more than once`) and stray
/// words (`unknown option --bogus`, `unexpected argument 'stray' (every option starts with --)`).
std::string command_line_error(const CLI::ParseError& error);

/// Prints `NAME: error: MESSAGE` on stderr and returns `exit_usage`, for errors found after
/// parsing (an unreadable `--input`, say): `return streamlab::usage_error(app, "...");`
int usage_error(const CLI::App& app, const std::string& message);

/// Adds an integer option that must lie in [1, max]: zero, negative, non-numeric and too-large
/// values are rejected by the parser with one clear line. The default is shown in `--help`.
CLI::Option* add_count_option(CLI::App& app, const std::string& name, std::int64_t& value, const std::string& help,
                              std::int64_t max);
CLI::Option* add_count_option(CLI::App& app, const std::string& name, int& value, const std::string& help, int max);

/// Adds `--seed`: any whole number from 0 to 2^64 − 1; a negative or too-large value is an error
/// rather than a silently wrapped or clamped seed.
CLI::Option* add_seed_option(CLI::App& app, std::uint64_t& seed, const std::string& help = "seed for the random data");

/// Adds `--no-charts` (print no chart) and `--plot-data DIR` (an existing folder where each chart's
/// data is written as CSV, for gnuplot), the same in every lesson that draws charts.
void add_chart_options(CLI::App& app, ChartOptions& options);

/// A CLI11 validator for a whole number in [low, high] with a message that says which rule failed.
CLI::Validator whole_number_in(std::int64_t low, std::int64_t high);

}  // namespace streamlab
