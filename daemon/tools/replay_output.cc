#include "daemon/tools/replay_output.h"

#include <cstdarg>
#include <cstdio>

#include "daemon/tools/backtest.h"
#include "daemon/tools/json_writer.h"
#include "daemon/tools/time_text.h"

namespace riskd::tools {
namespace {

using scoring::Action;
using scoring::Decision;
using scoring::Level;
using scoring::RuleId;

constexpr Level kFlagLevels[] = {Level::kMedium, Level::kHigh, Level::kCritical};

void Appendf(std::string& out, const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  out += buf;
}

std::string Ratio(std::optional<double> v) {
  if (!v) return "n/a";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", *v);
  return buf;
}

const char* Name(std::string_view s) { return s.data(); }  // names are literals

void StreamSection(std::string& out, const ReplayResult& r) {
  const StreamStats& s = r.stream;
  std::uint64_t rejected = 0;
  for (const auto& [reason, n] : s.rejected) rejected += n;
  Appendf(out, "Stream: %llu records, %llu applied, %llu rejected, %llu duplicates, "
               "%llu late, %llu out of order; %zu accounts\n",
          static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.applied),
          static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(s.duplicates),
          static_cast<unsigned long long>(s.late),
          static_cast<unsigned long long>(s.out_of_order), r.account_names.size());
  for (const auto& [reason, n] : s.rejected) {
    Appendf(out, "  rejected %s: %llu\n", reason.c_str(), static_cast<unsigned long long>(n));
  }
  if (s.first_event != scoring::kNever) {
    out += "Event time: " + FormatRfc3339(s.first_event) + " .. " +
           FormatRfc3339(s.last_event) + "\n";
  }
  const double rate = s.seconds > 0 ? static_cast<double>(s.records) / s.seconds : 0;
  Appendf(out, "Replayed in %.2f s (%.0f events/s, %zu config%s)\n\n", s.seconds, rate,
          r.arms.size(), r.arms.size() == 1 ? "" : "s");
}

void RulesSection(std::string& out, const ReplayResult& r, const ArmResult& arm) {
  Appendf(out, "%-36s %8s %8s %9s %9s\n", "Rule firings", "live", "shadow", "accounts",
          r.has_labels ? "attacked" : "");
  for (int i = 0; i < scoring::kRuleCount; ++i) {
    const RuleStats& s = arm.rules[i];
    const auto& rule = arm.config->rules[i];
    Appendf(out, "%-36s %8llu %8llu %9u", Name(name(static_cast<RuleId>(i))),
            static_cast<unsigned long long>(s.live_firings),
            static_cast<unsigned long long>(s.shadow_firings), s.accounts);
    if (r.has_labels) Appendf(out, " %9u", s.attacked_accounts);
    out += !rule.enabled ? "  (disabled)" : rule.shadow ? "  (shadow)" : "";
    out += '\n';
  }
  out += '\n';
}

void LevelsSection(std::string& out, const ArmResult& arm) {
  Appendf(out, "%-22s %9s %9s %9s %9s\n", "Levels at bucket end", "LOW", "MEDIUM", "HIGH",
          "CRITICAL");
  for (const LevelBucket& b : arm.levels) {
    Appendf(out, "%-22s %9u %9u %9u %9u\n", FormatRfc3339(b.at).c_str(), b.accounts[0],
            b.accounts[1], b.accounts[2], b.accounts[3]);
  }
  out += '\n';
}

void DecisionsSection(std::string& out, const ReplayResult& r, const ArmResult& arm) {
  const DecisionTable t = Decisions(r, arm);
  std::size_t during = 0;
  for (const RequestInfo& q : r.requests) during += q.during_attack ? 1 : 0;
  Appendf(out, "Decisions on %zu sensitive support requests", r.requests.size());
  if (r.has_labels) Appendf(out, " (%zu during attacks)", during);
  out += "\n";
  Appendf(out, "%-18s %24s   %24s\n", "", r.has_labels ? "during attack" : "",
          r.has_labels ? "other requests" : "all requests");
  Appendf(out, "%-18s %7s %8s %7s   %7s %8s %7s\n", "action", "ALLOW", "STEP_UP", "DENY",
          "ALLOW", "STEP_UP", "DENY");
  for (int a = 0; a < scoring::kActionCount; ++a) {
    if (!scoring::IsSensitive(static_cast<Action>(a))) continue;
    Appendf(out, "%-18s %7u %8u %7u   %7u %8u %7u\n", Name(name(static_cast<Action>(a))),
            t.during_attack[a][0], t.during_attack[a][1], t.during_attack[a][2], t.other[a][0],
            t.other[a][1], t.other[a][2]);
  }
  out += '\n';
}

void BacktestSection(std::string& out, const ReplayResult& r, const ArmResult& arm) {
  std::uint32_t attacked = 0;
  for (const LabelRow& l : r.labels) attacked += l.attacked ? 1 : 0;
  Appendf(out, "Backtest: %zu accounts, %u attacked (flagged = reached the level at any event;\n"
               "an attack is caught when reached at or after its start)\n",
          r.labels.size(), attacked);
  Appendf(out, "%-10s %6s %7s %7s %7s %8s %9s %7s %7s\n", "level", "score", "TP", "FP", "FN",
          "TN", "precision", "recall", "F1");
  for (Level level : kFlagLevels) {
    const double s = LevelThreshold(*arm.config, level);
    const Confusion c = ConfusionAt(r, arm, s);
    Appendf(out, "%-10s %6g %7u %7u %7u %8u %9s %7s %7s\n", Name(name(level)), s, c.tp, c.fp,
            c.fn, c.tn, Ratio(c.precision()).c_str(), Ratio(c.recall()).c_str(),
            Ratio(c.f1()).c_str());
  }
  out += "\nBy attack kind (precision: that kind's attacked accounts plus all benign ones)\n";
  Appendf(out, "%-30s %8s  %-15s %-15s %-15s\n", "kind", "attacked", "MEDIUM P/R", "HIGH P/R",
          "CRITICAL P/R");
  for (const std::string& kind : AttackKinds(r)) {
    std::uint32_t n = 0;
    for (const LabelRow& l : r.labels) n += l.attacked && l.attack_kind == kind ? 1 : 0;
    Appendf(out, "%-30s %8u ", kind.c_str(), n);
    for (Level level : kFlagLevels) {
      const Confusion c = ConfusionAt(r, arm, LevelThreshold(*arm.config, level), kind);
      Appendf(out, " %-15s", (Ratio(c.precision()) + "/" + Ratio(c.recall())).c_str());
    }
    out += '\n';
  }
  out += "\nTime from attack start to first HIGH\n";
  Appendf(out, "%-30s %8s %8s %10s %10s %10s\n", "kind", "attacked", "reached", "median", "p90",
          "max");
  auto row = [&](const std::string& label, const TimeToHigh& t) {
    const bool any = t.reached > 0;
    Appendf(out, "%-30s %8u %8u %10s %10s %10s\n", label.c_str(), t.attacked, t.reached,
            any ? FormatDuration(t.median).c_str() : "-", any ? FormatDuration(t.p90).c_str() : "-",
            any ? FormatDuration(t.max).c_str() : "-");
  };
  for (const std::string& kind : AttackKinds(r)) row(kind, TimeToFirstHigh(r, arm, kind));
  row("all", TimeToFirstHigh(r, arm));
  out += '\n';
}

std::string RequestText(const ReplayResult& r, std::size_t i) {
  const RequestInfo& q = r.requests[i];
  std::string s = std::string(name(q.action)) + " via " + std::string(name(q.channel));
  if (q.deliver_to) s += " to " + std::string(name(*q.deliver_to));
  return s + " at " + FormatRfc3339(q.at);
}

void CompareSection(std::string& out, const ReplayResult& r, const ArmNames& names,
                    const Comparison& c) {
  out += "Comparison: A = " + names.a + ", B = " + names.b + "\n";
  Appendf(out, "%u of %u accounts differ in peak level (%u raised, %u lowered); "
               "%u have a request decided differently\n",
          c.level_differs, c.accounts, c.raised, c.lowered, c.decision_differs);
  Appendf(out, "%-12s %9s %9s %9s %9s   (rows A, columns B)\n", "peak level", "LOW", "MEDIUM",
          "HIGH", "CRITICAL");
  for (int i = 0; i < scoring::kLevelCount; ++i) {
    Appendf(out, "%-12s %9u %9u %9u %9u\n", Name(name(static_cast<Level>(i))), c.level_matrix[i][0],
            c.level_matrix[i][1], c.level_matrix[i][2], c.level_matrix[i][3]);
  }
  Appendf(out, "%-12s %9s %9s %9s\n", "decision", "ALLOW", "STEP_UP", "DENY");
  for (int i = 0; i < scoring::kDecisionCount; ++i) {
    Appendf(out, "%-12s %9u %9u %9u\n", Name(name(static_cast<Decision>(i))),
            c.decision_matrix[i][0], c.decision_matrix[i][1], c.decision_matrix[i][2]);
  }
  if (!c.examples.empty()) out += "Examples:\n";
  for (const CompareExample& ex : c.examples) {
    const LabelRow& label = r.labels[ex.account];
    Appendf(out, "  %s (%s): peak %.1f %s -> %.1f %s", r.account_names[ex.account].c_str(),
            label.attacked ? label.attack_kind.c_str() : "benign", ex.peak_a,
            Name(name(ex.level_a)), ex.peak_b, Name(name(ex.level_b)));
    if (ex.request) {
      Appendf(out, "; %s: %s -> %s", RequestText(r, *ex.request).c_str(),
              Name(name(r.arms[0].requests[*ex.request].decision)),
              Name(name(r.arms[1].requests[*ex.request].decision)));
    }
    out += '\n';
  }
  out += '\n';
}

void ConfusionJson(JsonWriter& j, const Confusion& c) {
  j.BeginObject();
  j.Key("tp").Int(c.tp).Key("fp").Int(c.fp).Key("fn").Int(c.fn).Key("tn").Int(c.tn);
  j.Key("precision").Number(c.precision()).Key("recall").Number(c.recall());
  j.Key("f1").Number(c.f1());
  j.EndObject();
}

void ArmJson(JsonWriter& j, const ReplayResult& r, const ArmResult& arm, const ArmNames& names,
             std::size_t k) {
  j.BeginObject();
  j.Key("config").String(names.name(k));
  j.Key("configVersion").String(names.version(k));
  j.Key("rules").BeginObject();
  for (int i = 0; i < scoring::kRuleCount; ++i) {
    const RuleStats& s = arm.rules[i];
    j.Key(name(static_cast<RuleId>(i))).BeginObject();
    j.Key("liveFirings").Int(static_cast<std::int64_t>(s.live_firings));
    j.Key("shadowFirings").Int(static_cast<std::int64_t>(s.shadow_firings));
    j.Key("accounts").Int(s.accounts).Key("attackedAccounts").Int(s.attacked_accounts);
    j.Key("peakPointsAttacked").Number(s.peak_points_attacked);
    j.Key("peakPointsBenign").Number(s.peak_points_benign);
    j.EndObject();
  }
  j.EndObject();
  j.Key("levels").BeginArray();
  for (const LevelBucket& b : arm.levels) {
    j.BeginObject().Key("at").String(FormatRfc3339(b.at));
    for (int i = 0; i < scoring::kLevelCount; ++i) {
      j.Key(name(static_cast<Level>(i))).Int(b.accounts[i]);
    }
    j.EndObject();
  }
  j.EndArray();
  j.Key("requests").BeginArray();
  for (std::size_t i = 0; i < r.requests.size(); ++i) {
    const RequestInfo& q = r.requests[i];
    const RequestOutcome& o = arm.requests[i];
    j.BeginObject();
    j.Key("accountId").String(r.account_names[q.account]).Key("at").String(FormatRfc3339(q.at));
    j.Key("action").String(name(q.action)).Key("channel").String(name(q.channel));
    if (q.deliver_to) j.Key("deliverTo").String(name(*q.deliver_to));
    j.Key("requesterAuthenticated").Bool(q.requester_authenticated);
    if (r.has_labels) j.Key("duringAttack").Bool(q.during_attack);
    j.Key("decision").String(name(o.decision)).Key("level").String(name(o.level));
    j.Key("score").Number(o.score);
    j.EndObject();
  }
  j.EndArray();
  if (r.has_labels) {
    j.Key("backtest").BeginObject();
    j.Key("levels").BeginObject();
    for (Level level : kFlagLevels) {
      j.Key(name(level));
      ConfusionJson(j, ConfusionAt(r, arm, LevelThreshold(*arm.config, level)));
    }
    j.EndObject();
    j.Key("byKind").BeginObject();
    for (const std::string& kind : AttackKinds(r)) {
      j.Key(kind).BeginObject();
      for (Level level : kFlagLevels) {
        j.Key(name(level));
        ConfusionJson(j, ConfusionAt(r, arm, LevelThreshold(*arm.config, level), kind));
      }
      const TimeToHigh t = TimeToFirstHigh(r, arm, kind);
      j.Key("timeToHigh").BeginObject().Key("attacked").Int(t.attacked);
      j.Key("reached").Int(t.reached).Key("medianSeconds").Int(t.median / scoring::kSecond);
      j.Key("p90Seconds").Int(t.p90 / scoring::kSecond).Key("maxSeconds").Int(t.max / scoring::kSecond);
      j.EndObject().EndObject();
    }
    j.EndObject();
    j.Key("prCurve").BeginArray();
    for (const PrPoint& p : PrCurve(r, arm)) {
      j.BeginObject().Key("threshold").Number(p.threshold);
      j.Key("precision").Number(p.counts.precision()).Key("recall").Number(p.counts.recall());
      j.EndObject();
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndObject();
}

}  // namespace

std::string FormatReplayText(const ReplayResult& r, const ArmNames& names,
                             const std::optional<Comparison>& comparison) {
  std::string out;
  StreamSection(out, r);
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    const ArmResult& arm = r.arms[k];
    out += "== Config " + std::string(k == 0 ? "A" : "B") + ": " + names.name(k);
    if (!names.version(k).empty()) out += " (configVersion " + names.version(k) + ")";
    out += "\n\n";
    RulesSection(out, r, arm);
    LevelsSection(out, arm);
    DecisionsSection(out, r, arm);
    if (r.has_labels) BacktestSection(out, r, arm);
  }
  if (comparison) CompareSection(out, r, names, *comparison);
  return out;
}

std::string FormatReplayJson(const ReplayResult& r, const ArmNames& names,
                             const std::optional<Comparison>& comparison) {
  JsonWriter j;
  j.BeginObject();
  const StreamStats& s = r.stream;
  j.Key("stream").BeginObject();
  j.Key("records").Int(static_cast<std::int64_t>(s.records));
  j.Key("applied").Int(static_cast<std::int64_t>(s.applied));
  j.Key("duplicates").Int(static_cast<std::int64_t>(s.duplicates));
  j.Key("late").Int(static_cast<std::int64_t>(s.late));
  j.Key("outOfOrder").Int(static_cast<std::int64_t>(s.out_of_order));
  j.Key("rejected").BeginObject();
  for (const auto& [reason, n] : s.rejected) j.Key(reason).Int(static_cast<std::int64_t>(n));
  j.EndObject();
  j.Key("accounts").Int(static_cast<std::int64_t>(r.account_names.size()));
  j.Key("seconds").Number(s.seconds);
  j.EndObject();
  j.Key("arms").BeginArray();
  for (std::size_t k = 0; k < r.arms.size(); ++k) {
    ArmJson(j, r, r.arms[k], names, k);
  }
  j.EndArray();
  if (comparison) {
    const Comparison& c = *comparison;
    j.Key("comparison").BeginObject();
    j.Key("accounts").Int(c.accounts).Key("levelDiffers").Int(c.level_differs);
    j.Key("decisionDiffers").Int(c.decision_differs);
    j.Key("raised").Int(c.raised).Key("lowered").Int(c.lowered);
    j.Key("examples").BeginArray();
    for (const CompareExample& ex : c.examples) {
      j.BeginObject().Key("accountId").String(r.account_names[ex.account]);
      j.Key("levelA").String(name(ex.level_a)).Key("levelB").String(name(ex.level_b));
      j.Key("peakA").Number(ex.peak_a).Key("peakB").Number(ex.peak_b);
      if (ex.request) {
        j.Key("request").String(RequestText(r, *ex.request));
        j.Key("decisionA").String(name(r.arms[0].requests[*ex.request].decision));
        j.Key("decisionB").String(name(r.arms[1].requests[*ex.request].decision));
      }
      j.EndObject();
    }
    j.EndArray().EndObject();
  }
  j.EndObject();
  return j.str() + "\n";
}

}  // namespace riskd::tools
