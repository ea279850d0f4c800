// Inline SVG charts for the HTML report: no scripts, no external assets,
// fixed fonts, so the report is one file that renders the same anywhere.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskd::tools {

// Escapes text for HTML/SVG content and attribute values.
std::string HtmlEscape(std::string_view text);

struct BarSeries {
  std::string label;
  std::string color;            // CSS color
  std::vector<double> values;   // one per category
};

struct ChartFrame {
  int width = 720;
  int height = 300;
  std::string x_label;
  std::string y_label;
};

// Vertical bars, the series side by side in each category.
std::string GroupedBarChart(const std::vector<std::string>& categories,
                            const std::vector<BarSeries>& series,
                            const ChartFrame& frame);

// Vertical bars, the series stacked in each category.
std::string StackedBarChart(const std::vector<std::string>& categories,
                            const std::vector<BarSeries>& series,
                            const ChartFrame& frame);

// Horizontal bars, the series side by side for each category (long labels).
std::string HorizontalBarChart(const std::vector<std::string>& categories,
                               const std::vector<BarSeries>& series,
                               const ChartFrame& frame);

struct LineSeries {
  std::string label;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (x, y) in [0, 1]
  // Labelled markers, e.g. the level thresholds on a PR curve.
  std::vector<std::pair<std::pair<double, double>, std::string>> marks;
};

// Both axes from 0 to 1 (precision-recall).
std::string UnitLineChart(const std::vector<LineSeries>& series,
                          const ChartFrame& frame);

}  // namespace riskd::tools
