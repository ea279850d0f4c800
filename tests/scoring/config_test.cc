// ScoringConfig defaults, the knob table, Validate and configVersion.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "scoring/config.h"

namespace riskd::scoring {
namespace {

std::map<std::string, std::string> Dump(const ScoringConfig& c) {
  auto pairs = DumpKnobs(c);
  return {pairs.begin(), pairs.end()};
}

TEST(Config, DefaultsAreTheSpec) {
  const auto d = Dump(ScoringConfig());
  EXPECT_EQ(d.at("scoring.half_life"), "72h");
  EXPECT_EQ(d.at("scoring.allowed_lateness"), "1h");
  EXPECT_EQ(d.at("scoring.taint_period"), "30d");
  EXPECT_EQ(d.at("scoring.step_up_validity"), "1h");
  EXPECT_EQ(d.at("scoring.duplicate_window"), "7d");
  EXPECT_EQ(d.at("scoring.familiar_window"), "90d");
  EXPECT_EQ(d.at("scoring.thresholds.medium"), "30");
  EXPECT_EQ(d.at("scoring.thresholds.high"), "60");
  EXPECT_EQ(d.at("scoring.thresholds.critical"), "85");
  const std::string r = "scoring.rules.";
  EXPECT_EQ(d.at(r + "email_reset_then_sensitive_request.points"), "60");
  EXPECT_EQ(d.at(r + "email_reset_then_sensitive_request.window"), "72h");
  EXPECT_EQ(d.at(r + "email_reset_then_sensitive_request.email_delivery_bonus"),
            "20");
  EXPECT_EQ(d.at(r + "email_reset_then_unfamiliar_login.points"), "40");
  EXPECT_EQ(d.at(r + "email_reset_then_unfamiliar_login.window"), "24h");
  EXPECT_EQ(d.at(r + "recovery_change_after_reset.points"), "50");
  EXPECT_EQ(d.at(r + "recovery_change_after_reset.window"), "72h");
  EXPECT_EQ(d.at(r + "unfamiliar_context.points"), "15");
  EXPECT_EQ(d.at(r + "unauthenticated_sensitive_request.points"), "25");
  EXPECT_EQ(d.at(r + "failed_verification_burst.points"), "30");
  EXPECT_EQ(d.at(r + "failed_verification_burst.count"), "3");
  EXPECT_EQ(d.at(r + "failed_verification_burst.window"), "1h");
  EXPECT_EQ(d.at(r + "failed_login_burst.points"), "20");
  EXPECT_EQ(d.at(r + "failed_login_burst.count"), "10");
  EXPECT_EQ(d.at(r + "failed_login_burst.window"), "10m");
  EXPECT_EQ(d.at(r + "impossible_travel.points"), "35");
  EXPECT_EQ(d.at(r + "impossible_travel.max_speed_kmh"), "900");
  EXPECT_EQ(d.at(r + "reset_burst.points"), "20");
  EXPECT_EQ(d.at(r + "reset_burst.count"), "3");
  EXPECT_EQ(d.at(r + "reset_burst.window"), "24h");
  EXPECT_EQ(d.at(r + "mfa_removed.points"), "30");
  EXPECT_EQ(d.at(r + "mfa_removed.enabled"), "true");
  EXPECT_EQ(d.at(r + "mfa_removed.shadow"), "false");
  EXPECT_EQ(d.at("policy.SEND_CREDENTIALS.support_minimum"), "STEP_UP");
  EXPECT_EQ(d.at("policy.TRANSFER_ASSET.strong_at"), "HIGH");
  EXPECT_EQ(d.at("policy.DISABLE_MFA.deny_at"), "CRITICAL");
  EXPECT_EQ(d.at("policy.OTHER.support_minimum"), "ALLOW");
  EXPECT_EQ(d.at("policy.factors.standard"),
            "[SUPPORT_PIN, SMS_OTP, TOTP, WEBAUTHN, ID_DOCUMENT]");
  EXPECT_EQ(d.at("policy.factors.strong"), "[TOTP, WEBAUTHN, SMS_OTP, ID_DOCUMENT]");
  EXPECT_TRUE(Validate(ScoringConfig()).empty());
}

TEST(Config, KnobPathsAreUniqueAndOnlyWhereARuleUsesThem) {
  ScoringConfig c;
  std::set<std::string> paths;
  for (const Knob& k : ListKnobs(c)) {
    EXPECT_TRUE(paths.insert(k.path).second) << k.path;
    EXPECT_FALSE(k.help.empty()) << k.path;
  }
  EXPECT_TRUE(paths.count("scoring.rules.mfa_removed.points"));
  EXPECT_FALSE(paths.count("scoring.rules.mfa_removed.window"));
  EXPECT_FALSE(paths.count("scoring.rules.reset_burst.max_speed_kmh"));
  EXPECT_EQ(paths.size(), 12u + 10 * 3 + 6 /*windows*/ + 3 /*counts*/ + 2 +
                              7 * 3 + 2 + 1 /*max_state_bytes*/);
}

TEST(Config, KnobTargetsWriteIntoTheConfig) {
  ScoringConfig c;
  for (const Knob& k : ListKnobs(c)) {
    if (k.path == "scoring.rules.failed_login_burst.window") {
      ASSERT_EQ(k.kind, KnobKind::kDuration);
      *static_cast<DurationMicros*>(k.target) = 5 * kMinute;
    } else if (k.path == "policy.OTHER.deny_at") {
      ASSERT_EQ(k.kind, KnobKind::kLevel);
      *static_cast<Level*>(k.target) = Level::kHigh;
    } else if (k.path == "policy.factors.strong") {
      ASSERT_EQ(k.kind, KnobKind::kFactorList);
      *static_cast<std::vector<Factor>*>(k.target) = {Factor::kWebauthn};
    }
  }
  EXPECT_EQ(c.rule(RuleId::kFailedLoginBurst).window, 5 * kMinute);
  EXPECT_EQ(c.action(Action::kOther).deny_at, Level::kHigh);
  EXPECT_EQ(c.strong_factors, std::vector<Factor>{Factor::kWebauthn});
}

TEST(Config, ValidateReportsEveryProblemWithItsPath) {
  ScoringConfig c;
  c.half_life = 0;
  c.allowed_lateness = -1;
  c.thresholds.high = 20;  // below medium
  c.rule(RuleId::kMfaRemoved).points = -5;
  c.rule(RuleId::kResetBurst).count = 0;
  c.rule(RuleId::kFailedLoginBurst).window = 0;
  c.rule(RuleId::kImpossibleTravel).max_speed_kmh = 0;
  c.max_pending_events = 0;
  c.standard_factors.clear();
  c.strong_factors = {Factor::kTotp, Factor::kTotp};
  const auto problems = Validate(c);
  std::set<std::string> paths;
  for (const auto& p : problems) {
    paths.insert(p.path);
    EXPECT_FALSE(p.message.empty()) << p.path;
  }
  EXPECT_EQ(paths, (std::set<std::string>{
                       "scoring.half_life",
                       "scoring.allowed_lateness",
                       "scoring.thresholds.high",
                       "scoring.rules.mfa_removed.points",
                       "scoring.rules.reset_burst.count",
                       "scoring.rules.failed_login_burst.window",
                       "scoring.rules.impossible_travel.max_speed_kmh",
                       "scoring.max_pending_events",
                       "policy.factors.standard",
                       "policy.factors.strong",
                   }));
}

TEST(Config, ValidateChecksThresholdOrderAndCap) {
  ScoringConfig c;
  c.thresholds.critical = 120;
  ASSERT_EQ(Validate(c).size(), 1u);
  EXPECT_EQ(Validate(c)[0].path, "scoring.thresholds.critical");
  c = ScoringConfig();
  c.thresholds.medium = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(Validate(c).empty());
  c = ScoringConfig();
  c.duplicate_window = 10 * kMinute;  // shorter than allowed_lateness
  ASSERT_EQ(Validate(c).size(), 1u);
  EXPECT_EQ(Validate(c)[0].path, "scoring.duplicate_window");
}

TEST(Config, VersionIsStableAndFollowsEveryKnob) {
  const std::string base = ScoringConfigVersion(ScoringConfig());
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(base, ScoringConfigVersion(ScoringConfig()));
  std::set<std::string> versions{base};
  ScoringConfig c;
  for (const Knob& k : ListKnobs(c)) {
    ScoringConfig changed;
    for (const Knob& target : ListKnobs(changed)) {
      if (target.path != k.path) continue;
      switch (target.kind) {
        case KnobKind::kBool: {
          auto* b = static_cast<bool*>(target.target);
          *b = !*b;
          break;
        }
        case KnobKind::kInt:
          ++*static_cast<std::int64_t*>(target.target);
          break;
        case KnobKind::kDouble:
          *static_cast<double*>(target.target) += 0.5;
          break;
        case KnobKind::kDuration:
          *static_cast<DurationMicros*>(target.target) += kSecond;
          break;
        case KnobKind::kLevel:
          *static_cast<Level*>(target.target) = Level::kLow;
          break;
        case KnobKind::kDecision:
          *static_cast<Decision*>(target.target) =
              k.path == "policy.OTHER.support_minimum" ? Decision::kDeny
                                                       : Decision::kAllow;
          break;
        case KnobKind::kFactorList:
          static_cast<std::vector<Factor>*>(target.target)->pop_back();
          break;
      }
    }
    EXPECT_TRUE(versions.insert(ScoringConfigVersion(changed)).second) << k.path;
  }
}

TEST(Config, NamesRoundTrip) {
  for (int i = 0; i < kRuleCount; ++i) {
    EXPECT_EQ(RuleFromName(name(static_cast<RuleId>(i))), static_cast<RuleId>(i));
  }
  EXPECT_EQ(name(RuleId::kEmailResetThenSensitiveRequest),
            "email_reset_then_sensitive_request");
  EXPECT_EQ(LevelFromName("HIGH"), Level::kHigh);
  EXPECT_EQ(DecisionFromName("STEP_UP"), Decision::kStepUp);
  EXPECT_EQ(FactorFromName("ID_DOCUMENT"), Factor::kIdDocument);
  EXPECT_EQ(RequestChannelFromName("SELF_SERVICE"), RequestChannel::kSelfService);
  EXPECT_FALSE(LevelFromName("high").has_value());
}

}  // namespace
}  // namespace riskd::scoring
