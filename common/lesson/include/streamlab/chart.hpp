// Charts in the terminal: line charts of several series and horizontal bar charts, as text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

/// A line chart drawn with characters: each series is a list of (x, y) points, drawn with its own
/// marker and joined by its marker when it is a line; a legend names the markers, and both axes are
/// labelled with their name, unit and range. The same data always give the same text, so a
/// lesson's golden file can hold the chart. At most 100 columns wide.
///
/// - Points whose x or y is NaN or infinite (and, on a log scale, whose y is not positive) are
///   skipped and counted (skipped()); the chart says how many under the legend.
/// - Series are drawn in the order they were added: where two meet, the later one shows.
/// - A constant series, or a single point, is drawn in the middle of a range widened around it.
/// - Not thread-safe: build and render on one thread.
///
/// **Example**
/// \code
/// streamlab::LineChart chart{"t (s)", "value"};
/// chart.add_line("signal", ts, signal);
/// chart.add_points("readings", ts, readings);
/// fmt::print("{}", chart.render());
/// \endcode
class LineChart {
 public:
  /// A chart whose axes are called `x_label` and `y_label` (with their unit, e.g. "t (s)").
  /// `width` and `height` are the plot area's size in characters: width 10 to 80, height 3 to 40
  /// (std::invalid_argument otherwise).
  LineChart(std::string x_label, std::string y_label, std::size_t width = 64, std::size_t height = 12);

  /// Adds a series drawn as a line: consecutive points joined. `x` and `y` must be the same length.
  void add_line(std::string name, const std::vector<double>& x, const std::vector<double>& y);
  /// Adds a series drawn as separate points.
  void add_points(std::string name, const std::vector<double>& x, const std::vector<double>& y);
  /// Draws y on a log-10 scale (for errors that span many orders of magnitude).
  void log_y() noexcept { log_y_ = true; }

  /// The chart as text, one line per row, each ending in '\n'.
  std::string render();
  /// Points left out by the last render() (not finite, or not positive on a log scale).
  std::size_t skipped() const noexcept { return skipped_; }

 private:
  struct Series {
    std::string name;
    std::vector<double> x;
    std::vector<double> y;
    bool joined;
  };
  void add(std::string name, const std::vector<double>& x, const std::vector<double>& y, bool joined);

  std::string x_label_;
  std::string y_label_;
  std::size_t width_;
  std::size_t height_;
  bool log_y_ = false;
  std::vector<Series> series_;
  std::size_t skipped_ = 0;
};

/// A horizontal bar chart: one labelled bar per value, drawn with block characters to an eighth of
/// a character, the value printed after it. Negative values grow left of a zero line; NaN and
/// infinite values get no bar and are printed as they are. At most 100 columns wide.
///
/// **Example**
/// \code
/// streamlab::BarChart bars{"items dropped"};
/// bars.add("drop_oldest", 128);
/// bars.add("block", 0);
/// fmt::print("{}", bars.render());
/// \endcode
class BarChart {
 public:
  /// A chart of `what` (the quantity, with its unit); the longest bar is `width` characters (10 to
  /// 60; std::invalid_argument otherwise).
  explicit BarChart(std::string what, std::size_t width = 40);
  /// Adds a bar.
  void add(std::string label, double value);
  /// The chart as text, one line per bar plus a title line.
  std::string render() const;

 private:
  std::string what_;
  std::size_t width_;
  std::vector<std::pair<std::string, double>> bars_;
};

/// One series of values in arrival order, some of them marked (a reading flagged as an anomaly, an
/// event that came late), recorded for a chart while a stream goes by: the first `limit` values are
/// kept and the rest ignored, so memory stays bounded however long the stream. Afterwards the values
/// are drawn as a line with the marked ones as points on it, and written as CSV for gnuplot. The
/// x of each value is its number in the series: 1, 2, ...
///
/// **Example**
/// \code
/// streamlab::MarkedSeries first{2000};
/// for (const Reading& r : readings) first.add(r.value, r.anomaly);
/// streamlab::LineChart chart{"reading", "value"};
/// first.draw(chart, "reading", "anomaly");
/// fmt::print("{}", chart.render());
/// \endcode
class MarkedSeries {
 public:
  /// A series that keeps at most `limit` values.
  explicit MarkedSeries(std::size_t limit) : limit_(limit) {}
  /// Records the next value, marked or not; does nothing once `limit` values are kept.
  void add(double value, bool marked);
  /// The values kept.
  std::size_t size() const noexcept { return values_.size(); }
  /// Adds the series to `chart`: every value as a line named `line`, the marked ones as points named
  /// `marks` (drawn over the line).
  void draw(LineChart& chart, std::string line, std::string marks) const;
  /// Writes `values_file` (`n,value`: every value) and `marks_file` (`n,value`: the marked ones), as
  /// write_columns_csv does.
  void write_csv(const std::filesystem::path& values_file, const std::filesystem::path& marks_file) const;

 private:
  std::size_t limit_;
  std::vector<double> n_, values_, marked_n_, marked_values_;
};

/// What a lesson's `--no-charts` and `--plot-data DIR` ask for (streamlab::add_chart_options).
struct ChartOptions {
  bool draw = true;                     ///< false with --no-charts: print no chart
  std::filesystem::path plot_data_dir;  ///< where --plot-data writes each chart's data; empty: nowhere
};

/// Writes equal-length columns of numbers as a CSV file with a header (`t,reading,average`), for a
/// plotting program: the lessons' `--plot-data DIR` writes the data of each chart this way, and the
/// docs build turns them into SVG figures with gnuplot. Values are written with up to 10
/// significant digits; NaN as `nan`. Throws std::invalid_argument when the columns differ in length
/// or the names and columns differ in number, std::system_error when the file cannot be written.
void write_columns_csv(const std::filesystem::path& path, const std::vector<std::string>& names,
                       const std::vector<std::vector<double>>& columns);

/// The number of terminal columns `text` takes (UTF-8: one per code point; every character the
/// charts use is one column wide).
std::size_t display_width(std::string_view text) noexcept;

}  // namespace streamlab
