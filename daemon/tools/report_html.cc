#include "daemon/tools/report_html.h"

#include <algorithm>
#include <cstdio>

#include "daemon/tools/backtest.h"
#include "daemon/tools/svg_chart.h"
#include "daemon/tools/time_text.h"

namespace riskd::tools {
namespace {

using scoring::Level;

constexpr const char* kAttackedColor = "#d9534f";
constexpr const char* kBenignColor = "#5b8ff9";
constexpr const char* kArmColors[] = {"#2f6fdb", "#e8871e"};
constexpr Level kFlagLevels[] = {Level::kMedium, Level::kHigh, Level::kCritical};

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td { white-space: nowrap; }
th { background: #f3f3f3; } td.l, th.l { text-align: left; }
p.note { color: #555; font-size: 13px; max-width: 900px; }
svg { display: block; margin: 8px 0; }
)";

std::string F(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string Ratio(std::optional<double> v) { return v ? F("%.3f", *v) : "n/a"; }
std::string E(std::string_view s) { return HtmlEscape(s); }
std::string Td(const std::string& s) { return "<td>" + s + "</td>"; }
std::string TdL(const std::string& s) { return "<td class=\"l\">" + E(s) + "</td>"; }
std::string U(std::uint64_t n) { return std::to_string(n); }

std::string ArmName(const ArmNames& names, std::size_t k) {
  return (k == 0 ? "A: " : "B: ") + (k == 0 ? names.a : names.b);
}

std::string StreamSection(const ReplayResult& r, const ArmNames& names) {
  const StreamStats& s = r.stream;
  std::uint64_t rejected = 0;
  for (const auto& [reason, n] : s.rejected) rejected += n;
  std::uint32_t attacked = 0;
  for (const LabelRow& l : r.labels) attacked += l.attacked ? 1 : 0;
  std::string out = "<h2 id=\"stream\">Stream</h2>\n<table>\n";
  auto row = [&](const std::string& k, const std::string& v) {
    out += "<tr><th class=\"l\">" + E(k) + "</th><td class=\"l\">" + E(v) + "</td></tr>\n";
  };
  row("records", U(s.records) + " (" + U(s.applied) + " applied, " + U(rejected) +
                     " rejected, " + U(s.duplicates) + " duplicates, " + U(s.late) + " late)");
  row("accounts", U(r.account_names.size()) +
                      (r.has_labels ? " (" + U(attacked) + " labelled attacked)" : ""));
  if (s.first_event != scoring::kNever) {
    row("event time", FormatRfc3339(s.first_event) + " .. " + FormatRfc3339(s.last_event));
  }
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    row("config " + ArmName(names, k), names.version(k).empty()
                                           ? "(built in)"
                                           : "configVersion " + names.version(k));
  }
  return out + "</table>\n";
}

std::string BacktestSection(const ReplayResult& r, const ArmNames& names) {
  std::string out = "<h2 id=\"backtest\">Precision and recall by level</h2>\n";
  out += "<p class=\"note\">An account is flagged at a level when its score reached the "
         "level's threshold at some event. An attacked account counts as caught (TP) when it "
         "reached it at or after its attack start; reaching it only before counts as a false "
         "positive and a miss.</p>\n<table><tr><th class=\"l\">config</th><th>level</th>"
         "<th>score</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th><th>precision</th>"
         "<th>recall</th><th>F1</th></tr>\n";
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    for (Level level : kFlagLevels) {
      const double s = LevelThreshold(*r.arms[k].config, level);
      const Confusion c = ConfusionAt(r, r.arms[k], s);
      out += "<tr>" + TdL(ArmName(names, k)) + TdL(std::string(name(level))) + Td(F("%g", s)) +
             Td(U(c.tp)) + Td(U(c.fp)) + Td(U(c.fn)) + Td(U(c.tn)) + Td(Ratio(c.precision())) +
             Td(Ratio(c.recall())) + Td(Ratio(c.f1())) + "</tr>\n";
    }
  }
  return out + "</table>\n";
}

std::string DistributionSection(const ReplayResult& r) {
  const ArmResult& arm = r.arms[0];
  std::vector<std::string> bins;
  for (int b = 0; b < 100; b += 5) bins.push_back(std::to_string(b));
  std::vector<double> attacked(bins.size()), benign(bins.size());
  double n_attacked = 0, n_benign = 0;
  auto bin = [](double score) { return std::min<std::size_t>(19, static_cast<std::size_t>(score / 5)); };
  for (std::size_t a = 0; a < arm.accounts.size(); ++a) {
    if (r.labels[a].attacked) {
      attacked[bin(arm.accounts[a].peak_since)] += 1;
      n_attacked += 1;
    } else {
      benign[bin(arm.accounts[a].peak_before)] += 1;
      n_benign += 1;
    }
  }
  for (auto& v : attacked) v = n_attacked > 0 ? 100 * v / n_attacked : 0;
  for (auto& v : benign) v = n_benign > 0 ? 100 * v / n_benign : 0;
  ChartFrame frame;
  frame.x_label = "peak score (bins of 5; attacked: since attack start)";
  frame.y_label = "% of group";
  const auto& t = arm.config->thresholds;
  return "<h2 id=\"distribution\">Score distributions: attacked vs benign</h2>\n"
         "<p class=\"note\">Each account's peak score under config A, as a share of its group. "
         "Levels start at MEDIUM " + F("%g", t.medium) + ", HIGH " + F("%g", t.high) +
         ", CRITICAL " + F("%g", t.critical) + ".</p>\n" +
         GroupedBarChart(bins, {{"attacked (" + U(static_cast<std::uint64_t>(n_attacked)) + ")", kAttackedColor, attacked},
                                {"benign (" + U(static_cast<std::uint64_t>(n_benign)) + ")", kBenignColor, benign}},
                         frame);
}

std::string PrSection(const ReplayResult& r, const ArmNames& names) {
  std::vector<LineSeries> lines;
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    LineSeries s;
    s.label = ArmName(names, k);
    s.color = kArmColors[k % 2];
    for (const PrPoint& p : PrCurve(r, r.arms[k])) {
      if (p.counts.precision() && p.counts.recall()) {
        s.points.emplace_back(*p.counts.recall(), *p.counts.precision());
      }
    }
    for (Level level : kFlagLevels) {
      const Confusion c = ConfusionAt(r, r.arms[k], LevelThreshold(*r.arms[k].config, level));
      if (c.precision() && c.recall()) {
        s.marks.push_back({{*c.recall(), *c.precision()}, std::string(name(level))});
      }
    }
    lines.push_back(std::move(s));
  }
  ChartFrame frame;
  frame.height = 360;
  frame.x_label = "recall";
  frame.y_label = "precision";
  return "<h2 id=\"pr\">Precision-recall curve</h2>\n<p class=\"note\">One point per score "
         "threshold 1..100; the dots are the configured level thresholds.</p>\n" +
         UnitLineChart(lines, frame);
}

std::string RulesSection(const ReplayResult& r, const ArmNames& names) {
  std::string out = "<h2 id=\"rules\">Rules: firings and contribution</h2>\n";
  std::vector<std::string> rules;
  for (int i = 0; i < scoring::kRuleCount; ++i) rules.emplace_back(name(static_cast<scoring::RuleId>(i)));
  const ArmResult& arm = r.arms[0];
  std::vector<double> attacked, benign;
  for (const RuleStats& s : arm.rules) {
    attacked.push_back(s.peak_points_attacked);
    benign.push_back(s.peak_points_benign);
  }
  ChartFrame frame;
  frame.height = 420;
  frame.x_label = "sum over accounts of the rule's points at the account's peak score (config A)";
  if (r.has_labels) {
    out += HorizontalBarChart(rules, {{"attacked accounts", kAttackedColor, attacked},
                                      {"benign accounts", kBenignColor, benign}}, frame);
  } else {
    for (std::size_t i = 0; i < attacked.size(); ++i) attacked[i] += benign[i];
    out += HorizontalBarChart(rules, {{"all accounts", kArmColors[0], attacked}}, frame);
  }
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    out += "<table><tr><th class=\"l\">" + E(ArmName(names, k)) + "</th><th>mode</th>"
           "<th>live firings</th><th>shadow firings</th><th>accounts</th><th>attacked accounts</th>"
           "<th>points at peaks, attacked</th><th>points at peaks, benign</th></tr>\n";
    for (int i = 0; i < scoring::kRuleCount; ++i) {
      const RuleStats& s = r.arms[k].rules[i];
      const auto& rule = r.arms[k].config->rules[i];
      const char* mode = !rule.enabled ? "disabled" : rule.shadow ? "shadow" : "live";
      out += "<tr>" + TdL(rules[i]) + TdL(mode) + Td(U(s.live_firings)) + Td(U(s.shadow_firings)) +
             Td(U(s.accounts)) + Td(r.has_labels ? U(s.attacked_accounts) : "-") +
             Td(F("%.0f", s.peak_points_attacked)) + Td(F("%.0f", s.peak_points_benign)) + "</tr>\n";
    }
    out += "</table>\n";
  }
  return out;
}

std::string LevelsSection(const ReplayResult& r) {
  const ArmResult& arm = r.arms[0];
  std::vector<std::string> days;
  std::vector<double> medium, high, critical;
  for (const LevelBucket& b : arm.levels) {
    days.push_back(FormatRfc3339(b.at).substr(5, 5));  // MM-DD
    medium.push_back(b.accounts[1]);
    high.push_back(b.accounts[2]);
    critical.push_back(b.accounts[3]);
  }
  ChartFrame frame;
  frame.x_label = "end of bucket (UTC)";
  frame.y_label = "accounts";
  return "<h2 id=\"levels\">Levels over time</h2>\n<p class=\"note\">Accounts at each level at "
         "the end of each bucket, config A (LOW, the rest, not drawn).</p>\n" +
         StackedBarChart(days, {{"MEDIUM", "#f0ad4e", medium}, {"HIGH", "#d9534f", high},
                                {"CRITICAL", "#7b1fa2", critical}}, frame);
}

std::string DecisionsSection(const ReplayResult& r, const ArmNames& names) {
  std::string out = "<h2 id=\"decisions\">Decisions on sensitive support requests</h2>\n"
                    "<p class=\"note\">Each sensitive request evaluated as of its own time, "
                    "just after it was applied, for its action, channel and destination.</p>\n";
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    const DecisionTable t = Decisions(r, r.arms[k]);
    out += "<table><tr><th class=\"l\">" + E(ArmName(names, k)) + "</th>";
    if (r.has_labels) out += "<th colspan=\"3\">during attack</th>";
    out += "<th colspan=\"3\">" + std::string(r.has_labels ? "other" : "all") + "</th></tr>\n<tr><th></th>";
    for (int g = 0; g < (r.has_labels ? 2 : 1); ++g) out += "<th>ALLOW</th><th>STEP_UP</th><th>DENY</th>";
    out += "</tr>\n";
    for (int a = 0; a < scoring::kActionCount; ++a) {
      if (!scoring::IsSensitive(static_cast<scoring::Action>(a))) continue;
      out += "<tr>" + TdL(std::string(name(static_cast<scoring::Action>(a))));
      if (r.has_labels) {
        for (int d = 0; d < 3; ++d) out += Td(U(t.during_attack[a][d]));
      }
      for (int d = 0; d < 3; ++d) out += Td(U(t.other[a][d]));
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  return out;
}

std::string KindsSection(const ReplayResult& r, const ArmNames& names) {
  std::string out = "<h2 id=\"kinds\">By attack kind</h2>\n<p class=\"note\">Precision for a "
                    "kind counts that kind's attacked accounts and every benign account. Time "
                    "to HIGH: from the attack start to the first event at HIGH or above.</p>\n";
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    const ArmResult& arm = r.arms[k];
    out += "<table><tr><th class=\"l\">" + E(ArmName(names, k)) + "</th><th>attacked</th>";
    for (Level level : kFlagLevels) {
      out += "<th>" + std::string(name(level)) + " precision</th><th>" + std::string(name(level)) + " recall</th>";
    }
    out += "<th>reached HIGH</th><th>median to HIGH</th><th>p90</th></tr>\n";
    for (const std::string& kind : AttackKinds(r)) {
      const TimeToHigh t = TimeToFirstHigh(r, arm, kind);
      out += "<tr>" + TdL(kind) + Td(U(t.attacked));
      for (Level level : kFlagLevels) {
        const Confusion c = ConfusionAt(r, arm, LevelThreshold(*arm.config, level), kind);
        out += Td(Ratio(c.precision())) + Td(Ratio(c.recall()));
      }
      out += Td(U(t.reached)) + Td(t.reached ? E(FormatDuration(t.median)) : "-") +
             Td(t.reached ? E(FormatDuration(t.p90)) : "-") + "</tr>\n";
    }
    out += "</table>\n";
  }
  return out;
}

std::string CompareSection(const ReplayResult& r, const ArmNames& names, const Comparison& c) {
  std::string out = "<h2 id=\"comparison\">Comparison</h2>\n<p class=\"note\">A = " + E(names.a) +
                    ", B = " + E(names.b) + ". " + U(c.level_differs) + " of " + U(c.accounts) +
                    " accounts differ in peak level (" + U(c.raised) + " raised, " + U(c.lowered) +
                    " lowered under B); " + U(c.decision_differs) +
                    " have a sensitive request decided differently.</p>\n";
  out += "<table><tr><th class=\"l\">peak level A \\ B</th>";
  for (int j = 0; j < scoring::kLevelCount; ++j) out += "<th>" + std::string(name(static_cast<Level>(j))) + "</th>";
  out += "</tr>\n";
  for (int i = 0; i < scoring::kLevelCount; ++i) {
    out += "<tr>" + TdL(std::string(name(static_cast<Level>(i))));
    for (int j = 0; j < scoring::kLevelCount; ++j) out += Td(U(c.level_matrix[i][j]));
    out += "</tr>\n";
  }
  out += "</table>\n<table><tr><th class=\"l\">decision A \\ B</th><th>ALLOW</th><th>STEP_UP</th><th>DENY</th></tr>\n";
  for (int i = 0; i < scoring::kDecisionCount; ++i) {
    out += "<tr>" + TdL(std::string(name(static_cast<scoring::Decision>(i))));
    for (int j = 0; j < scoring::kDecisionCount; ++j) out += Td(U(c.decision_matrix[i][j]));
    out += "</tr>\n";
  }
  out += "</table>\n";
  if (c.examples.empty()) return out;
  out += "<table><tr><th class=\"l\">account</th><th class=\"l\">label</th><th>peak A</th>"
         "<th>peak B</th><th class=\"l\">first request decided differently</th></tr>\n";
  for (const CompareExample& ex : c.examples) {
    const LabelRow& l = r.labels[ex.account];
    std::string request = "-";
    if (ex.request) {
      const RequestInfo& q = r.requests[*ex.request];
      request = std::string(name(q.action)) + " via " + std::string(name(q.channel)) +
                (q.deliver_to ? " to " + std::string(name(*q.deliver_to)) : "") + " at " +
                FormatRfc3339(q.at) + ": " + std::string(name(r.arms[0].requests[*ex.request].decision)) +
                " → " + std::string(name(r.arms[1].requests[*ex.request].decision));
    }
    out += "<tr>" + TdL(r.account_names[ex.account]) +
           TdL(l.attacked ? l.attack_kind : "benign") +
           Td(F("%.1f ", ex.peak_a) + std::string(name(ex.level_a))) +
           Td(F("%.1f ", ex.peak_b) + std::string(name(ex.level_b))) + TdL(request) + "</tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

std::string RenderHtmlReport(const ReplayResult& r, const ArmNames& names,
                             const std::optional<Comparison>& comparison) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>riskd replay report</title>\n<style>" + std::string(kStyle) +
      "</style>\n</head>\n<body>\n<h1>riskd replay report</h1>\n";
  out += StreamSection(r, names);
  if (r.has_labels) {
    out += BacktestSection(r, names);
    out += DistributionSection(r);
    out += PrSection(r, names);
  }
  out += RulesSection(r, names);
  out += LevelsSection(r);
  out += DecisionsSection(r, names);
  if (r.has_labels) out += KindsSection(r, names);
  if (comparison) out += CompareSection(r, names, *comparison);
  return out + "</body>\n</html>\n";
}

}  // namespace riskd::tools
