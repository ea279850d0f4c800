#include "daemon/tools/replay.h"

#include "daemon/tools/account_index.h"

#include <deque>
#include <limits>
#include <utility>

namespace riskd::tools {
namespace {

using scoring::Level;

constexpr EpochMicros kNoAttack = std::numeric_limits<EpochMicros>::max();

// One arm's moving parts; its ArmResult is filled as we go.
struct Arm {
  scoring::Engine engine;
  // By account index. A deque: growing it never moves the states.
  std::deque<scoring::AccountState> states;
  // Accounts whose level may be above LOW: only a firing raises a score, so
  // an account seen at LOW at a snapshot stays LOW until it fires again.
  std::vector<std::uint32_t> hot;
  std::vector<char> in_hot;
  ArmResult result;
};

}  // namespace

struct Replayer::Impl {
  ReplayOptions options;
  std::vector<Arm> arms;
  ReplayResult result;
  AccountIndex index;
  std::unordered_map<std::string, std::size_t> label_of;  // name -> labels row
  std::vector<LabelRow> labels;
  std::vector<EpochMicros> attack_start;  // by account index
  EpochMicros next_boundary = scoring::kNever;
  EpochMicros previous_event = scoring::kNever;

  explicit Impl(std::vector<LabelRow> l) : labels(std::move(l)) {}

  std::uint32_t Account(std::string_view name) {
    bool added = false;
    const std::uint32_t id = index.FindOrAdd(name, added);
    if (!added) return id;
    result.account_names.emplace_back(name);
    LabelRow row;
    row.account = std::string(name);
    if (auto l = label_of.find(row.account); l != label_of.end()) row = labels[l->second];
    attack_start.push_back(row.attacked ? row.attack_start : kNoAttack);
    result.labels.push_back(std::move(row));
    for (Arm& arm : arms) {
      arm.states.emplace_back();
      arm.in_hot.push_back(0);
      arm.result.accounts.emplace_back();
    }
    return id;
  }

  void Snapshot(EpochMicros at) {
    const auto seen = static_cast<std::uint32_t>(result.account_names.size());
    for (Arm& arm : arms) {
      LevelBucket bucket;
      bucket.at = at;
      std::uint32_t raised = 0;
      std::vector<std::uint32_t> still_hot;
      for (std::uint32_t a : arm.hot) {
        const Level level = arm.engine.Risk(arm.states[a], at).level;
        if (level == Level::kLow) {
          arm.in_hot[a] = 0;
          continue;
        }
        ++bucket.accounts[static_cast<int>(level)];
        ++raised;
        still_hot.push_back(a);
      }
      arm.hot = std::move(still_hot);
      bucket.accounts[static_cast<int>(Level::kLow)] = seen - raised;
      arm.result.levels.push_back(bucket);
    }
  }

  void Record(Arm& arm, std::uint32_t a, const scoring::Event& e,
              const scoring::ApplyResult& r) {
    AccountOutcome& out = arm.result.accounts[a];
    const bool attacked = result.labels[a].attacked;
    for (const scoring::Firing& f : r.new_firings) {
      const int i = static_cast<int>(f.rule);
      RuleStats& stats = arm.result.rules[i];
      const std::uint32_t bit = 1u << i;
      if (f.shadow) {
        ++stats.shadow_firings;
        out.shadow_rules_fired |= bit;
      } else {
        ++stats.live_firings;
        if ((out.live_rules_fired & bit) == 0) {
          ++stats.accounts;
          if (attacked) ++stats.attacked_accounts;
        }
        out.live_rules_fired |= bit;
      }
    }
    const double score = r.report.score;
    if (score > out.peak()) {
      out.peak_points.fill(0);
      for (const scoring::Reason& reason : r.report.reasons) {
        out.peak_points[static_cast<int>(reason.rule)] += static_cast<float>(reason.points);
      }
    }
    if (e.occurred_at >= attack_start[a]) {
      if (score > out.peak_since) out.peak_since = score;
      if (r.level >= Level::kHigh && out.first_high_since == scoring::kNever) {
        out.first_high_since = e.occurred_at;
      }
    } else if (score > out.peak_before) {
      out.peak_before = score;
    }
    if (r.level != Level::kLow && !arm.in_hot[a]) {
      arm.in_hot[a] = 1;
      arm.hot.push_back(a);
    }
  }
};

Replayer::Replayer(std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs,
                   const std::vector<LabelRow>& labels, bool has_labels,
                   ReplayOptions options)
    : impl_(std::make_unique<Impl>(labels)) {
  impl_->options = options;
  impl_->result.has_labels = has_labels;
  for (std::size_t i = 0; i < labels.size(); ++i) impl_->label_of[labels[i].account] = i;
  for (auto& config : configs) {
    Arm arm{scoring::Engine(config), {}, {}, {}, {}};
    arm.result.config = config;
    impl_->arms.push_back(std::move(arm));
  }
}

Replayer::~Replayer() = default;

StreamStats& Replayer::stream() { return impl_->result.stream; }

void Replayer::Add(std::string_view account, const scoring::Event& e) {
  Impl& m = *impl_;
  StreamStats& s = m.result.stream;
  const EpochMicros t = e.occurred_at;
  if (m.previous_event != scoring::kNever && t < m.previous_event) ++s.out_of_order;
  m.previous_event = t;
  if (s.first_event == scoring::kNever || t < s.first_event) s.first_event = t;
  if (s.last_event == scoring::kNever || t > s.last_event) s.last_event = t;
  if (m.next_boundary == scoring::kNever) {
    // Buckets are aligned to the epoch (UTC days by default).
    const EpochMicros b = m.options.bucket;
    m.next_boundary = (t >= 0 ? t / b : (t - b + 1) / b) * b + b;
  }
  while (t >= m.next_boundary) {
    m.Snapshot(m.next_boundary);
    m.next_boundary += m.options.bucket;
  }

  const std::uint32_t a = m.Account(account);
  bool applied = false;
  for (std::size_t k = 0; k < m.arms.size(); ++k) {
    Arm& arm = m.arms[k];
    const scoring::ApplyResult r = arm.engine.Apply(arm.states[a], e);
    if (r.outcome == scoring::ApplyOutcome::kDuplicate) {
      if (k == 0) ++s.duplicates;
      continue;
    }
    if (k == 0) {
      applied = true;
      ++s.applied;
      if (r.late) ++s.late;
    }
    m.Record(arm, a, e, r);
  }
  if (!applied || e.kind != scoring::EventKind::kSupportRequest ||
      !scoring::IsSensitive(e.action)) {
    return;
  }
  RequestInfo info;
  info.account = a;
  info.at = t;
  info.action = e.action;
  info.channel = e.support_channel;
  info.deliver_to = e.deliver_to;
  info.requester_authenticated = e.requester_authenticated;
  info.during_attack = t >= m.attack_start[a];
  m.result.requests.push_back(info);
  const scoring::EvaluateRequest request{e.action, e.support_channel, e.deliver_to,
                                         e.requester_authenticated};
  for (Arm& arm : m.arms) {
    const scoring::EvaluateResult r = arm.engine.Evaluate(arm.states[a], request, t);
    arm.result.requests.push_back({r.decision, r.report.level, r.report.score});
  }
}

ReplayResult Replayer::Finish() {
  Impl& m = *impl_;
  if (m.next_boundary != scoring::kNever) m.Snapshot(m.next_boundary);
  // Labelled accounts that never appeared are part of the population.
  for (const LabelRow& row : m.labels) m.Account(row.account);
  for (Arm& arm : m.arms) {
    for (std::size_t a = 0; a < arm.result.accounts.size(); ++a) {
      const AccountOutcome& out = arm.result.accounts[a];
      const bool attacked = m.result.labels[a].attacked;
      for (int i = 0; i < scoring::kRuleCount; ++i) {
        (attacked ? arm.result.rules[i].peak_points_attacked
                  : arm.result.rules[i].peak_points_benign) += out.peak_points[i];
      }
    }
    m.result.arms.push_back(std::move(arm.result));
  }
  m.arms.clear();
  return std::move(m.result);
}

}  // namespace riskd::tools
