#include "daemon/tools/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace riskd::tools {
namespace {

// Plot area margins: room for tick labels on the left and bottom, the
// legend on top.
constexpr int kLeft = 64, kRight = 16, kTop = 36, kBottom = 56;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Tick(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  }
  return buf;
}

// A "nice" axis maximum (1, 2, 2.5 or 5 times a power of ten) >= v.
double NiceMax(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string Open(const ChartFrame& f) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(f.width) +
         "\" height=\"" + std::to_string(f.height) + "\" viewBox=\"0 0 " +
         std::to_string(f.width) + " " + std::to_string(f.height) +
         "\" font-family=\"sans-serif\" font-size=\"11\">\n";
}

std::string Text(double x, double y, std::string_view text, std::string_view anchor = "middle",
                 std::string_view extra = "") {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" +
         std::string(anchor) + "\"" + std::string(extra) + ">" + HtmlEscape(text) + "</text>\n";
}

std::string Legend(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  double x = kLeft;
  for (const auto& [label, color] : items) {
    out += "<rect x=\"" + Num(x) + "\" y=\"10\" width=\"12\" height=\"12\" fill=\"" +
           HtmlEscape(color) + "\"/>\n";
    out += Text(x + 16, 20, label, "start");
    x += 28 + 7.0 * static_cast<double>(label.size());
  }
  return out;
}

// Axes, horizontal grid lines and y ticks for values 0..ymax; axis labels.
std::string Axes(const ChartFrame& f, double ymax) {
  const double w = f.width - kLeft - kRight, h = f.height - kTop - kBottom;
  std::string out;
  for (int i = 0; i <= 4; ++i) {
    const double y = kTop + h - h * i / 4;
    out += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(kLeft + w) +
           "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/>\n";
    out += Text(kLeft - 6, y + 4, Tick(ymax * i / 4), "end");
  }
  out += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop + h) + "\" x2=\"" + Num(kLeft + w) +
         "\" y2=\"" + Num(kTop + h) + "\" stroke=\"#333\"/>\n";
  out += Text(kLeft + w / 2, f.height - 8, f.x_label);
  out += Text(14, kTop + h / 2, f.y_label, "middle",
              " transform=\"rotate(-90 14 " + Num(kTop + h / 2) + ")\"");
  return out;
}

std::vector<std::pair<std::string, std::string>> LegendOf(const std::vector<BarSeries>& s) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const BarSeries& b : s) items.emplace_back(b.label, b.color);
  return items;
}

// Category labels under the bars, thinned out when they would overlap.
std::string CategoryLabels(const std::vector<std::string>& categories, const ChartFrame& f) {
  const double w = f.width - kLeft - kRight;
  const double slot = w / static_cast<double>(std::max<std::size_t>(1, categories.size()));
  std::size_t widest = 1;
  for (const auto& c : categories) widest = std::max(widest, c.size());
  const auto every = static_cast<std::size_t>(std::max(1.0, std::ceil(6.5 * static_cast<double>(widest) / slot)));
  std::string out;
  for (std::size_t i = 0; i < categories.size(); i += every) {
    out += Text(kLeft + slot * (static_cast<double>(i) + 0.5), f.height - kBottom + 16, categories[i]);
  }
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string GroupedBarChart(const std::vector<std::string>& categories,
                            const std::vector<BarSeries>& series, const ChartFrame& f) {
  double top = 0;
  for (const BarSeries& s : series) {
    for (double v : s.values) top = std::max(top, v);
  }
  const double ymax = NiceMax(top);
  const double w = f.width - kLeft - kRight, h = f.height - kTop - kBottom;
  const double slot = w / static_cast<double>(std::max<std::size_t>(1, categories.size()));
  const double bar = slot * 0.8 / static_cast<double>(std::max<std::size_t>(1, series.size()));
  std::string out = Open(f) + Axes(f, ymax) + Legend(LegendOf(series));
  for (std::size_t k = 0; k < series.size(); ++k) {
    for (std::size_t i = 0; i < categories.size() && i < series[k].values.size(); ++i) {
      const double v = series[k].values[i];
      const double bh = h * v / ymax;
      const double x = kLeft + slot * static_cast<double>(i) + slot * 0.1 + bar * static_cast<double>(k);
      out += "<rect x=\"" + Num(x) + "\" y=\"" + Num(kTop + h - bh) + "\" width=\"" +
             Num(std::max(1.0, bar - 1)) + "\" height=\"" + Num(bh) + "\" fill=\"" +
             HtmlEscape(series[k].color) + "\"><title>" + HtmlEscape(series[k].label + " " +
             categories[i] + ": " + Tick(v)) + "</title></rect>\n";
    }
  }
  return out + CategoryLabels(categories, f) + "</svg>\n";
}

std::string StackedBarChart(const std::vector<std::string>& categories,
                            const std::vector<BarSeries>& series, const ChartFrame& f) {
  double top = 0;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    double sum = 0;
    for (const BarSeries& s : series) sum += i < s.values.size() ? s.values[i] : 0;
    top = std::max(top, sum);
  }
  const double ymax = NiceMax(top);
  const double w = f.width - kLeft - kRight, h = f.height - kTop - kBottom;
  const double slot = w / static_cast<double>(std::max<std::size_t>(1, categories.size()));
  std::string out = Open(f) + Axes(f, ymax) + Legend(LegendOf(series));
  for (std::size_t i = 0; i < categories.size(); ++i) {
    double base = 0;
    for (const BarSeries& s : series) {
      const double v = i < s.values.size() ? s.values[i] : 0;
      if (v <= 0) continue;
      const double y0 = kTop + h - h * base / ymax, bh = h * v / ymax;
      out += "<rect x=\"" + Num(kLeft + slot * static_cast<double>(i) + slot * 0.1) + "\" y=\"" +
             Num(y0 - bh) + "\" width=\"" + Num(std::max(1.0, slot * 0.8)) + "\" height=\"" +
             Num(bh) + "\" fill=\"" + HtmlEscape(s.color) + "\"><title>" +
             HtmlEscape(s.label + " " + categories[i] + ": " + Tick(v)) + "</title></rect>\n";
      base += v;
    }
  }
  return out + CategoryLabels(categories, f) + "</svg>\n";
}

std::string HorizontalBarChart(const std::vector<std::string>& categories,
                               const std::vector<BarSeries>& series, const ChartFrame& f) {
  constexpr double kLabelWidth = 250;
  double top = 0;
  for (const BarSeries& s : series) {
    for (double v : s.values) top = std::max(top, v);
  }
  const double xmax = NiceMax(top);
  const double w = f.width - kLabelWidth - kRight, h = f.height - kTop - kBottom;
  const double slot = h / static_cast<double>(std::max<std::size_t>(1, categories.size()));
  const double bar = slot * 0.8 / static_cast<double>(std::max<std::size_t>(1, series.size()));
  std::string out = Open(f) + Legend(LegendOf(series));
  for (int i = 0; i <= 4; ++i) {
    const double x = kLabelWidth + w * i / 4;
    out += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(kTop) + "\" x2=\"" + Num(x) + "\" y2=\"" +
           Num(kTop + h) + "\" stroke=\"#ddd\"/>\n";
    out += Text(x, kTop + h + 14, Tick(xmax * i / 4));
  }
  out += Text(kLabelWidth + w / 2, f.height - 8, f.x_label);
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const double y = kTop + slot * static_cast<double>(i);
    out += Text(kLabelWidth - 6, y + slot / 2 + 4, categories[i], "end");
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double v = i < series[k].values.size() ? series[k].values[i] : 0;
      out += "<rect x=\"" + Num(kLabelWidth) + "\" y=\"" +
             Num(y + slot * 0.1 + bar * static_cast<double>(k)) + "\" width=\"" +
             Num(w * v / xmax) + "\" height=\"" + Num(std::max(1.0, bar - 1)) + "\" fill=\"" +
             HtmlEscape(series[k].color) + "\"><title>" +
             HtmlEscape(series[k].label + " " + categories[i] + ": " + Tick(v)) +
             "</title></rect>\n";
    }
  }
  return out + "</svg>\n";
}

std::string UnitLineChart(const std::vector<LineSeries>& series, const ChartFrame& f) {
  const double w = f.width - kLeft - kRight, h = f.height - kTop - kBottom;
  auto px = [&](double x) { return kLeft + w * x; };
  auto py = [&](double y) { return kTop + h - h * y; };
  std::vector<std::pair<std::string, std::string>> legend;
  for (const LineSeries& s : series) legend.emplace_back(s.label, s.color);
  std::string out = Open(f) + Axes(f, 1) + Legend(legend);
  for (int i = 0; i <= 4; ++i) {
    out += Text(px(i / 4.0), kTop + h + 14, Tick(i / 4.0));
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const LineSeries& s = series[k];
    // Marks of the second series are labelled below their dot, so that two
    // configs' labels at similar points do not overprint each other.
    const double label_dy = k % 2 == 0 ? -6 : 14;
    std::string points;
    for (const auto& [x, y] : s.points) points += Num(px(x)) + "," + Num(py(y)) + " ";
    out += "<polyline fill=\"none\" stroke=\"" + HtmlEscape(s.color) +
           "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
    for (const auto& [xy, label] : s.marks) {
      out += "<circle cx=\"" + Num(px(xy.first)) + "\" cy=\"" + Num(py(xy.second)) +
             "\" r=\"4\" fill=\"" + HtmlEscape(s.color) + "\"/>\n";
      // Near the right edge the label goes to the left of its dot.
      const bool left = xy.first > 0.85;
      out += Text(px(xy.first) + (left ? -6 : 6), py(xy.second) + label_dy, label,
                  left ? "end" : "start", " fill=\"" + HtmlEscape(s.color) + "\"");
    }
  }
  return out + "</svg>\n";
}

}  // namespace riskd::tools
