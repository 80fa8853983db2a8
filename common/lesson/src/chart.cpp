#include "streamlab/chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace streamlab {

namespace {

// One marker per series, in the order they are added (then again from the first).
constexpr std::array<std::string_view, 6> markers = {"●", "○", "◆", "▲", "■", "×"};

// A range that a value can be placed in: widened when empty, so a constant series has a middle.
struct Range {
  double low;
  double high;
  void widen_if_empty() {
    if (high > low) return;
    low -= 0.5;
    high += 0.5;
  }
  // The cell (0 to cells - 1) a value falls in.
  std::size_t cell(double value, std::size_t cells) const {
    const double at = (value - low) / (high - low) * static_cast<double>(cells - 1);
    return static_cast<std::size_t>(std::clamp(std::lround(at), 0L, static_cast<long>(cells - 1)));
  }
};

std::string number_label(double value, bool power_of_ten) {
  return fmt::format("{:.4g}", power_of_ten ? std::pow(10.0, value) : value);
}

std::string pad_right(std::string text, std::size_t columns) {
  const std::size_t width = display_width(text);
  if (width < columns) text.append(columns - width, ' ');
  return text;
}

std::string pad_left(const std::string& text, std::size_t columns) {
  const std::size_t width = display_width(text);
  return width < columns ? std::string(columns - width, ' ') + text : text;
}

}  // namespace

std::size_t display_width(std::string_view text) noexcept {
  // Count code points: every byte that does not continue a UTF-8 sequence starts one.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

LineChart::LineChart(std::string x_label, std::string y_label, std::size_t width, std::size_t height)
    : x_label_(std::move(x_label)), y_label_(std::move(y_label)), width_(width), height_(height) {
  if (width < 10 || width > 80) throw std::invalid_argument("LineChart: width must be from 10 to 80");
  if (height < 3 || height > 40) throw std::invalid_argument("LineChart: height must be from 3 to 40");
}

void LineChart::add_line(std::string name, const std::vector<double>& x, const std::vector<double>& y) {
  add(std::move(name), x, y, true);
}

void LineChart::add_points(std::string name, const std::vector<double>& x, const std::vector<double>& y) {
  add(std::move(name), x, y, false);
}

void LineChart::add(std::string name, const std::vector<double>& x, const std::vector<double>& y, bool joined) {
  if (x.size() != y.size()) throw std::invalid_argument("LineChart: a series needs as many x as y values");
  series_.push_back({std::move(name), x, y, joined});
}

std::string LineChart::render() {
  // The points that can be drawn, per series (y on the chart's scale); the rest are counted.
  skipped_ = 0;
  bool any = false;
  Range x_range{0, 0};
  Range y_range{0, 0};
  std::vector<std::vector<std::pair<double, double>>> drawn(series_.size());
  for (std::size_t s = 0; s < series_.size(); ++s) {
    for (std::size_t i = 0; i < series_[s].x.size(); ++i) {
      const double x = series_[s].x[i];
      double y = series_[s].y[i];
      if (log_y_) y = y > 0 ? std::log10(y) : std::nan("");
      if (!std::isfinite(x) || !std::isfinite(y)) {
        ++skipped_;
        drawn[s].emplace_back(std::nan(""), std::nan(""));  // breaks a line here
        continue;
      }
      if (!any) x_range = {x, x}, y_range = {y, y};
      any = true;
      x_range = {std::min(x_range.low, x), std::max(x_range.high, x)};
      y_range = {std::min(y_range.low, y), std::max(y_range.high, y)};
      drawn[s].emplace_back(x, y);
    }
  }
  x_range.widen_if_empty();
  y_range.widen_if_empty();

  // The plot area, one marker (or a space) per cell; row 0 is the top.
  std::vector<std::vector<std::string_view>> cells(height_, std::vector<std::string_view>(width_, " "));
  for (std::size_t s = 0; s < drawn.size(); ++s) {
    const std::string_view marker = markers[s % markers.size()];
    bool have_previous = false;
    long previous_col = 0;
    long previous_row = 0;
    for (const auto& [x, y] : drawn[s]) {
      if (std::isnan(x)) {
        have_previous = false;
        continue;
      }
      const auto col = static_cast<long>(x_range.cell(x, width_));
      const auto row = static_cast<long>(height_ - 1 - y_range.cell(y, height_));
      if (series_[s].joined && have_previous) {
        // Every cell on the straight line from the previous point (Bresenham's walk).
        long c = previous_col;
        long r = previous_row;
        const long dc = std::labs(col - c);
        const long dr = -std::labs(row - r);
        const long step_c = c < col ? 1 : -1;
        const long step_r = r < row ? 1 : -1;
        long error = dc + dr;
        for (;;) {
          cells[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = marker;
          if (c == col && r == row) break;
          const long twice = 2 * error;
          if (twice >= dr) error += dr, c += step_c;
          if (twice <= dc) error += dc, r += step_r;
        }
      }
      cells[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)] = marker;
      have_previous = true;
      previous_col = col;
      previous_row = row;
    }
  }

  // Axis labels: the top and bottom of the y range, the two ends of the x range.
  const std::string top = number_label(y_range.high, log_y_);
  const std::string bottom = number_label(y_range.low, log_y_);
  const std::size_t margin = std::max(display_width(top), display_width(bottom)) + 2;
  std::string out = fmt::format("{}{}{}\n", std::string(margin, ' '), y_label_, log_y_ ? " (log scale)" : "");
  for (std::size_t row = 0; row < height_; ++row) {
    const bool labelled = row == 0 || row + 1 == height_;
    out += labelled ? pad_left(row == 0 ? top : bottom, margin - 1) + " ┤" : std::string(margin, ' ') + "│";
    std::string line;
    for (const std::string_view cell : cells[row]) line += cell;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  out += std::string(margin, ' ') + "└";
  for (std::size_t i = 0; i < width_; ++i) out += "─";
  out += '\n';
  // Under the axis: its two ends, and its name between them when it fits (else on a line of its own).
  const std::string left = number_label(x_range.low, false);
  const std::string right = number_label(x_range.high, false);
  const std::size_t ends = display_width(left) + display_width(right);
  const std::size_t name = display_width(x_label_);
  const std::string indent(margin + 1, ' ');
  if (width_ >= ends + name + 4) {
    const std::size_t before = (width_ - ends - name) / 2;
    out += fmt::format("{}{}{}{}{}{}\n", indent, left, std::string(before, ' '), x_label_,
                       std::string(width_ - ends - name - before, ' '), right);
  } else {
    out += fmt::format("{}{}{}{}\n", indent, left, std::string(width_ > ends ? width_ - ends : 1, ' '), right);
    out += fmt::format("{}{}\n", indent, x_label_);
  }
  std::string legend = std::string(margin + 1, ' ');
  for (std::size_t s = 0; s < series_.size(); ++s) {
    legend += fmt::format("{}{} {}", s == 0 ? "" : "   ", markers[s % markers.size()], series_[s].name);
  }
  out += legend + '\n';
  if (skipped_ > 0) {
    out += fmt::format("{}({} point{} not drawn: not a finite{} number)\n", std::string(margin + 1, ' '), skipped_,
                       skipped_ == 1 ? "" : "s", log_y_ ? ", positive" : "");
  }
  return out;
}

BarChart::BarChart(std::string what, std::size_t width) : what_(std::move(what)), width_(width) {
  if (width < 10 || width > 60) throw std::invalid_argument("BarChart: width must be from 10 to 60");
}

void BarChart::add(std::string label, double value) { bars_.emplace_back(std::move(label), value); }

std::string BarChart::render() const {
  static constexpr std::array<std::string_view, 8> eighths = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  std::size_t label_width = 0;
  double most_positive = 0;
  double most_negative = 0;
  for (const auto& [label, value] : bars_) {
    label_width = std::max(label_width, display_width(label));
    if (std::isfinite(value)) {
      most_positive = std::max(most_positive, value);
      most_negative = std::max(most_negative, -value);
    }
  }
  label_width = std::min<std::size_t>(label_width, 24);
  // Columns left of the zero line (for negative bars) and right of it, in proportion.
  const double span = most_positive + most_negative;
  const std::size_t left =
      span > 0 ? static_cast<std::size_t>(std::lround(static_cast<double>(width_) * most_negative / span)) : 0;
  const std::size_t right = width_ - left;
  const double per_column = span > 0 ? span / static_cast<double>(width_) : 1.0;

  std::string out = fmt::format("  {}\n", what_);
  for (const auto& [label, value] : bars_) {
    std::string shown = label;
    if (display_width(shown) > label_width) shown = shown.substr(0, label_width);  // ASCII labels only
    std::string negative(left, ' ');
    std::string positive;
    if (std::isfinite(value) && value < 0) {
      const auto columns = std::min(left, static_cast<std::size_t>(std::lround(-value / per_column)));
      negative = std::string(left - columns, ' ');
      for (std::size_t i = 0; i < columns; ++i) negative += "█";
    } else if (std::isfinite(value) && value > 0) {
      const auto in_eighths = std::min(right * 8, static_cast<std::size_t>(std::lround(value / per_column * 8)));
      for (std::size_t i = 0; i < in_eighths / 8; ++i) positive += "█";
      positive += eighths[in_eighths % 8];
    }
    out += fmt::format("  {} {}│{} {:.6g}\n", pad_right(shown, label_width), negative, positive, value);
  }
  return out;
}

void write_columns_csv(const std::filesystem::path& path, const std::vector<std::string>& names,
                       const std::vector<std::vector<double>>& columns) {
  if (names.size() != columns.size()) throw std::invalid_argument("write_columns_csv: one name per column");
  const std::size_t rows = columns.empty() ? 0 : columns.front().size();
  for (const auto& column : columns) {
    if (column.size() != rows) throw std::invalid_argument("write_columns_csv: the columns differ in length");
  }
  std::string text = fmt::format("{}\n", fmt::join(names, ","));
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      text += fmt::format("{}{:.10g}", c == 0 ? "" : ",", columns[c][row]);
    text += '\n';
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw std::system_error(errno, std::generic_category(), "cannot write " + path.string());
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const int error = errno;
  if (std::fclose(file) != 0 || !written) {
    throw std::system_error(written ? errno : error, std::generic_category(), "cannot write " + path.string());
  }
}

void MarkedSeries::add(double value, bool marked) {
  if (values_.size() >= limit_) return;
  n_.push_back(static_cast<double>(values_.size() + 1));
  values_.push_back(value);
  if (marked) marked_n_.push_back(n_.back()), marked_values_.push_back(value);
}

void MarkedSeries::draw(LineChart& chart, std::string line, std::string marks) const {
  chart.add_line(std::move(line), n_, values_);
  chart.add_points(std::move(marks), marked_n_, marked_values_);
}

void MarkedSeries::write_csv(const std::filesystem::path& values_file, const std::filesystem::path& marks_file) const {
  write_columns_csv(values_file, {"n", "value"}, {n_, values_});
  write_columns_csv(marks_file, {"n", "value"}, {marked_n_, marked_values_});
}

}  // namespace streamlab
