#include "scoring/types.h"

#include <array>

namespace riskd::scoring {
namespace {

constexpr std::array<std::string_view, kRuleCount> kRuleNames = {
    "email_reset_then_sensitive_request",
    "email_reset_then_unfamiliar_login",
    "recovery_change_after_reset",
    "unfamiliar_context",
    "unauthenticated_sensitive_request",
    "failed_verification_burst",
    "failed_login_burst",
    "impossible_travel",
    "reset_burst",
    "mfa_removed",
};
constexpr std::array<std::string_view, kLevelCount> kLevelNames = {
    "LOW", "MEDIUM", "HIGH", "CRITICAL"};
constexpr std::array<std::string_view, kFactorCount> kFactorNames = {
    "SUPPORT_PIN", "TOTP",       "WEBAUTHN",   "SMS_OTP",
    "EMAIL_OTP",   "EMAIL_LINK", "ID_DOCUMENT"};
constexpr std::array<std::string_view, kDestinationCount> kDestinationNames = {
    "EMAIL_ON_FILE", "NEW_EMAIL", "PHONE_ON_FILE", "IN_SESSION"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "SEND_CREDENTIALS", "CHANGE_EMAIL",   "CHANGE_PHONE", "DISABLE_MFA",
    "RESET_PASSWORD",   "TRANSFER_ASSET", "OTHER"};
constexpr std::array<std::string_view, kRequestChannelCount> kChannelNames = {
    "LIVE_CHAT", "EMAIL", "PHONE", "TICKET", "SELF_SERVICE"};
constexpr std::array<std::string_view, kDecisionCount> kDecisionNames = {
    "ALLOW", "STEP_UP", "DENY"};
constexpr std::array<std::string_view, kLabelCount> kLabelNames = {
    "COMPROMISED", "LEGITIMATE"};

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names,
                        Enum value) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : std::string_view();
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueOf(const std::array<std::string_view, N>& names,
                            std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view name(RuleId v) { return NameOf(kRuleNames, v); }
std::string_view name(Level v) { return NameOf(kLevelNames, v); }
std::string_view name(Factor v) { return NameOf(kFactorNames, v); }
std::string_view name(Destination v) { return NameOf(kDestinationNames, v); }
std::string_view name(Action v) { return NameOf(kActionNames, v); }
std::string_view name(RequestChannel v) { return NameOf(kChannelNames, v); }
std::string_view name(Decision v) { return NameOf(kDecisionNames, v); }
std::string_view name(Label v) { return NameOf(kLabelNames, v); }

std::optional<RuleId> RuleFromName(std::string_view t) {
  return ValueOf<RuleId>(kRuleNames, t);
}
std::optional<Level> LevelFromName(std::string_view t) {
  return ValueOf<Level>(kLevelNames, t);
}
std::optional<Factor> FactorFromName(std::string_view t) {
  return ValueOf<Factor>(kFactorNames, t);
}
std::optional<Destination> DestinationFromName(std::string_view t) {
  return ValueOf<Destination>(kDestinationNames, t);
}
std::optional<Action> ActionFromName(std::string_view t) {
  return ValueOf<Action>(kActionNames, t);
}
std::optional<RequestChannel> RequestChannelFromName(std::string_view t) {
  return ValueOf<RequestChannel>(kChannelNames, t);
}
std::optional<Decision> DecisionFromName(std::string_view t) {
  return ValueOf<Decision>(kDecisionNames, t);
}
std::optional<Label> LabelFromName(std::string_view t) {
  return ValueOf<Label>(kLabelNames, t);
}

}  // namespace riskd::scoring
