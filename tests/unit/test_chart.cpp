#include "streamlab/chart.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The plot rows of a rendered line chart (between the y label and the x axis), without the axis.
std::vector<std::string> plot_rows(const std::string& text) {
  std::vector<std::string> rows;
  for (const auto& line : lines_of(text)) {
    const auto bar = line.find("│");
    const auto tick = line.find("┤");
    const auto at = bar != std::string::npos ? bar : tick;
    if (at != std::string::npos) rows.push_back(line.substr(at + std::string("│").size()));
  }
  return rows;
}

// The column (in characters) of the first `marker` in `row` (the last with `last`), or -1.
long column_of(const std::string& row, const std::string& marker, bool last = false) {
  const auto at = last ? row.rfind(marker) : row.find(marker);
  if (at == std::string::npos) return -1;
  return static_cast<long>(streamlab::display_width(row.substr(0, at)));
}

}  // namespace

TEST_CASE("a rising line goes from the bottom-left cell to the top-right cell") {
  streamlab::LineChart chart{"t (s)", "value", 10, 5};
  chart.add_line("ramp", {0, 1, 2, 3, 4}, {0, 1, 2, 3, 4});
  const auto text = chart.render();
  const auto rows = plot_rows(text);
  REQUIRE(rows.size() == 5);
  CHECK(column_of(rows.front(), "●", true) == 9);                // top row: the last point, at the right edge
  CHECK(column_of(rows.back(), "●") == 0);                       // bottom row: the first point, at the left edge
  for (const auto& row : rows) CHECK(column_of(row, "●") >= 0);  // joined: a marker on every row
  CHECK_THAT(text, Catch::Contains("value"));
  // Too narrow for the axis name between the ends: it goes on a line of its own.
  CHECK_THAT(text, Catch::Contains("4\n    t (s)\n"));
  CHECK_THAT(text, Catch::Contains(" 4 ┤"));  // the y range's top and bottom are labelled
  CHECK_THAT(text, Catch::Contains(" 0 ┤"));
  CHECK_THAT(text, Catch::Contains("● ramp"));  // the legend
  CHECK(chart.skipped() == 0);
}

TEST_CASE("negative values are placed below positive ones and the labels show the sign") {
  streamlab::LineChart chart{"x", "y", 10, 3};
  chart.add_points("p", {0, 1, 2}, {-5, 0, 5});
  const auto text = chart.render();
  const auto rows = plot_rows(text);
  REQUIRE(rows.size() == 3);
  CHECK(column_of(rows[0], "●") == 9);
  CHECK(column_of(rows[1], "●") == 5);  // 1 of 0..2 over 10 columns: 4.5, rounded away from zero
  CHECK(column_of(rows[2], "●") == 0);
  CHECK_THAT(text, Catch::Contains("-5 ┤"));
}

TEST_CASE("a constant series and a single point are drawn in the middle of a widened range") {
  streamlab::LineChart flat{"x", "y", 10, 5};
  flat.add_line("flat", {0, 1, 2}, {7, 7, 7});
  auto rows = plot_rows(flat.render());
  REQUIRE(rows.size() == 5);
  CHECK(column_of(rows[2], "●") == 0);  // the middle row, the whole width
  CHECK(rows[0].find("●") == std::string::npos);
  CHECK(rows[4].find("●") == std::string::npos);

  streamlab::LineChart single{"x", "y", 10, 5};
  single.add_points("one", {3}, {3});
  rows = plot_rows(single.render());
  CHECK(column_of(rows[2], "●") == 5);  // x range [2.5, 3.5]: 3 lands at 4.5 → 5
}

TEST_CASE("NaN and infinite points are skipped and counted, and break a line") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  streamlab::LineChart chart{"x", "y", 10, 5};
  chart.add_line("gappy", {0, 1, 2, 3, 4}, {0, nan, inf, 3, 4});
  const auto text = chart.render();
  CHECK(chart.skipped() == 2);
  CHECK_THAT(text, Catch::Contains("(2 points not drawn: not a finite number)"));
  // The line does not join 0 (bottom left) to 3: the rows between hold no marker from it.
  const auto rows = plot_rows(text);
  CHECK(rows[2].find("●") == std::string::npos);
}

TEST_CASE("a log scale skips values that are not positive and labels powers of ten") {
  streamlab::LineChart chart{"offset", "|error|", 20, 5};
  chart.add_line("error", {1, 2, 3, 4}, {1e-12, 1e-8, 0, 1e-4});
  chart.log_y();
  const auto text = chart.render();
  CHECK(chart.skipped() == 1);
  CHECK_THAT(text, Catch::Contains("(log scale)"));
  CHECK_THAT(text, Catch::Contains("0.0001 ┤"));
  CHECK_THAT(text, Catch::Contains("1e-12 ┤"));
  CHECK_THAT(text, Catch::Contains("not a finite, positive number"));
}

TEST_CASE("several series overlap in the order they were added, each with its own marker") {
  streamlab::LineChart chart{"x", "y", 10, 3};
  chart.add_points("first", {0, 1}, {0, 1});
  chart.add_points("second", {1, 2}, {1, 2});
  const auto text = chart.render();
  const auto rows = plot_rows(text);
  CHECK(column_of(rows[2], "●") == 0);  // first only
  CHECK(column_of(rows[1], "○") == 5);  // both at (1, 1): the later one shows
  CHECK(rows[1].find("●") == std::string::npos);
  CHECK(column_of(rows[0], "○") == 9);
  CHECK_THAT(text, Catch::Contains("● first   ○ second"));
}

TEST_CASE("the x axis's name sits between its two ends when the chart is wide enough") {
  streamlab::LineChart chart{"t (s)", "value", 20, 3};
  chart.add_line("ramp", {0, 4}, {0, 4});
  CHECK_THAT(chart.render(), Catch::Contains("\n    0      t (s)       4\n"));
}

TEST_CASE("charts stay within 100 columns and refuse sizes outside their limits") {
  streamlab::LineChart chart{"a long label for the x axis", "y", 80, 40};
  chart.add_line("big", {-1e9, 1e9}, {-123456.789, 987654.321});
  for (const auto& line : lines_of(chart.render())) {
    INFO(line);
    CHECK(streamlab::display_width(line) <= 100);
  }
  CHECK_THROWS_AS((streamlab::LineChart{"x", "y", 81, 10}), std::invalid_argument);
  CHECK_THROWS_AS((streamlab::LineChart{"x", "y", 9, 10}), std::invalid_argument);
  CHECK_THROWS_AS((streamlab::LineChart{"x", "y", 20, 2}), std::invalid_argument);
  streamlab::LineChart mismatched{"x", "y"};
  CHECK_THROWS_AS(mismatched.add_line("bad", {1, 2}, {1}), std::invalid_argument);
  CHECK_THROWS_AS((streamlab::BarChart{"n", 61}), std::invalid_argument);
}

TEST_CASE("the same data always give the same chart") {
  auto make = [] {
    streamlab::LineChart chart{"x", "y", 30, 8};
    std::vector<double> x;
    std::vector<double> y;
    for (int i = 0; i < 50; ++i) {
      x.push_back(i);
      y.push_back(std::sin(i / 5.0));
    }
    chart.add_line("sin", x, y);
    return chart.render();
  };
  CHECK(make() == make());
}

TEST_CASE("bar charts scale to the longest bar, in eighths of a character") {
  streamlab::BarChart bars{"items", 16};
  bars.add("all", 16);
  bars.add("half", 8);
  bars.add("a bit", 1.5);
  bars.add("none", 0);
  const auto lines = lines_of(bars.render());
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "  items");
  CHECK(lines[1] == "  all   │████████████████ 16");
  CHECK(lines[2] == "  half  │████████ 8");
  CHECK(lines[3] == "  a bit │█▌ 1.5");
  CHECK(lines[4] == "  none  │ 0");
}

TEST_CASE("bar charts put negative values left of the zero line; NaN gets no bar") {
  streamlab::BarChart bars{"change", 10};
  bars.add("up", 5);
  bars.add("down", -5);
  bars.add("unknown", std::nan(""));
  const auto lines = lines_of(bars.render());
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] == "  up           │█████ 5");
  CHECK(lines[2] == "  down    █████│ -5");
  CHECK(lines[3] == "  unknown      │ nan");
}

TEST_CASE("a marked series keeps its first values up to its limit, and the marked ones apart") {
  streamlab::MarkedSeries series{4};
  series.add(10, false);
  series.add(50, true);
  series.add(11, false);
  series.add(-40, true);
  series.add(99, true);  // past the limit: ignored
  CHECK(series.size() == 4);
  streamlab::LineChart drawn{"n", "value", 20, 5};
  series.draw(drawn, "value", "marked");
  streamlab::LineChart expected{"n", "value", 20, 5};
  expected.add_line("value", {1, 2, 3, 4}, {10, 50, 11, -40});
  expected.add_points("marked", {2, 4}, {50, -40});
  CHECK(drawn.render() == expected.render());

  const auto folder =
      std::filesystem::temp_directory_path() / ("streamlab-test-marked-series-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  series.write_csv(folder / "values.csv", folder / "marks.csv");
  const auto read = [](const std::filesystem::path& file) {
    std::ifstream in{file};
    return std::string{std::istreambuf_iterator<char>{in}, {}};
  };
  CHECK(read(folder / "values.csv") == "n,value\n1,10\n2,50\n3,11\n4,-40\n");
  CHECK(read(folder / "marks.csv") == "n,value\n2,50\n4,-40\n");
  std::filesystem::remove_all(folder);
}
