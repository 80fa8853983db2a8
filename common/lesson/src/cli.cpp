#include "streamlab/cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <regex>
#include <vector>

namespace streamlab {

std::string command_line_error(const CLI::ParseError& error) {
  std::string message = error.what();
  std::replace(message.begin(), message.end(), '\n', ' ');  // always one line
  // CLI11's wording for the three commonest slips, said the way a person would.
  static const std::regex missing_value(R"((-[-A-Za-z0-9_]+): [0-9]+ required .* missing)");
  static const std::regex repeated(R"((-[-A-Za-z0-9_]+): At Most [0-9]+ required but received [0-9]+)");
  static const std::regex not_expected(R"(The following arguments? (?:was|were) not expected: (.*))");
  std::smatch match;
  if (std::regex_match(message, match, missing_value)) return fmt::format("{} needs a value", match.str(1));
  if (std::regex_match(message, match, repeated)) return fmt::format("{} is given more than once", match.str(1));
  if (std::regex_match(message, match, not_expected)) {
    const std::string what = match.str(1);
    const bool one_word = what.find(' ') == std::string::npos;
    if (one_word && what.rfind('-', 0) == 0) return fmt::format("unknown option {}", what);
    if (one_word) return fmt::format("unexpected argument '{}' (every option starts with --)", what);
    // CLI11 2.1 lists the stray words last first (it parses from a reversed list): put them back.
    std::vector<std::string> words;
    for (std::size_t at = 0, space = 0; at <= what.size(); at = space + 1) {
      space = std::min(what.find(' ', at), what.size());
      words.insert(words.begin(), what.substr(at, space - at));
    }
    return fmt::format("unexpected arguments: {}", fmt::join(words, " "));
  }
  return message;
}

std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv) {
  if (app.get_option_no_throw("--version") == nullptr) {
    app.set_version_flag("--version", fmt::format("{} (StreamLab {})", app.get_name(), STREAMLAB_VERSION),
                         "print the version and exit");
  }
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    fmt::print("{}", app.help("", CLI::AppFormatMode::All));
    return 0;
  } catch (const CLI::CallForVersion& version) {
    fmt::print("{}\n", version.what());
    return 0;
  } catch (const CLI::ParseError& error) {
    fmt::print(stderr, "{}: error: {} (see --help)\n", app.get_name(), command_line_error(error));
    return exit_usage;
  }
}

int usage_error(const CLI::App& app, const std::string& message) {
  fmt::print(stderr, "{}: error: {}\n", app.get_name(), message);
  return exit_usage;
}

CLI::Validator whole_number_in(std::int64_t low, std::int64_t high) {
  return CLI::Validator(
      [low, high](std::string& text) -> std::string {
        std::int64_t number = 0;
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, number);
        if (error == std::errc::result_out_of_range ||
            (error == std::errc{} && stop == end && (number < low || number > high))) {
          return fmt::format("{} is out of range: must be from {} to {}", text, low, high);
        }
        if (error != std::errc{} || stop != end) return fmt::format("{} is not a whole number", text);
        return {};
      },
      fmt::format("INT in [{} - {}]", low, high));
}

CLI::Option* add_seed_option(CLI::App& app, std::uint64_t& seed, const std::string& help) {
  auto unsigned_64 = CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t number = 0;
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, number);
        if (error == std::errc::result_out_of_range) return fmt::format("{} is too large for a 64-bit seed", text);
        if (error != std::errc{} || stop != end) return fmt::format("{} is not a whole number from 0 up", text);
        return {};
      },
      "UINT64");
  return app.add_option("--seed", seed, help)->check(unsigned_64)->capture_default_str();
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name, std::int64_t& value, const std::string& help,
                              std::int64_t max) {
  return app.add_option(name, value, help)->check(whole_number_in(1, max))->capture_default_str();
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name, int& value, const std::string& help, int max) {
  return app.add_option(name, value, help)->check(whole_number_in(1, max))->capture_default_str();
}

void add_chart_options(CLI::App& app, ChartOptions& options) {
  app.add_flag_callback(
      "--no-charts", [&options] { options.draw = false; }, "print no charts");
  app.add_option("--plot-data", options.plot_data_dir, "write each chart's data as CSV into this folder (for gnuplot)")
      ->check(CLI::ExistingDirectory);
}

}  // namespace streamlab
