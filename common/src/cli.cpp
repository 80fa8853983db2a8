#include "streamlab/cli.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

namespace streamlab {

std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    fmt::print("{}", app.help("", CLI::AppFormatMode::All));
    return 0;
  } catch (const CLI::ParseError& error) {
    std::string message = error.what();
    std::replace(message.begin(), message.end(), '\n', ' ');  // always one line
    fmt::print(stderr, "{}: error: {} (see --help)\n", app.get_name(), message);
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

}  // namespace streamlab
