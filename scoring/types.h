// The vocabulary of scoring/: rules, levels, factors, destinations, actions,
// channels, decisions and labels as scoped enums, with the exact strings of
// SPEC.md (the same string in code, config, metrics and API reasons).
//
// Conversions to and from the riskd.v1 proto enums live in
// scoring/proto_enums.h so that this header stays free of protobuf.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace riskd::scoring {

// The ten rules of SPEC section 3, in the table's order. The order is part of
// the config dump and of the score's summation order: append only.
enum class RuleId : std::uint8_t {
  kEmailResetThenSensitiveRequest,
  kEmailResetThenUnfamiliarLogin,
  kRecoveryChangeAfterReset,
  kUnfamiliarContext,
  kUnauthenticatedSensitiveRequest,
  kFailedVerificationBurst,
  kFailedLoginBurst,
  kImpossibleTravel,
  kResetBurst,
  kMfaRemoved,
};
inline constexpr int kRuleCount = 10;

enum class Level : std::uint8_t { kLow, kMedium, kHigh, kCritical };
inline constexpr int kLevelCount = 4;

// A way to verify the requester.
enum class Factor : std::uint8_t {
  kSupportPin,
  kTotp,
  kWebauthn,
  kSmsOtp,
  kEmailOtp,
  kEmailLink,
  kIdDocument,
};
inline constexpr int kFactorCount = 7;

// Where support would deliver what was asked for.
enum class Destination : std::uint8_t {
  kEmailOnFile,
  kNewEmail,
  kPhoneOnFile,
  kInSession,
};
inline constexpr int kDestinationCount = 4;

// What support is asked to do. All but kOther are sensitive.
enum class Action : std::uint8_t {
  kSendCredentials,
  kChangeEmail,
  kChangePhone,
  kDisableMfa,
  kResetPassword,
  kTransferAsset,
  kOther,
};
inline constexpr int kActionCount = 7;

// The support channels of SPEC section 2, plus kSelfService for the product
// asking before a self-service action (no support minimum then).
enum class RequestChannel : std::uint8_t {
  kLiveChat,
  kEmail,
  kPhone,
  kTicket,
  kSelfService,
};
inline constexpr int kRequestChannelCount = 5;

enum class Decision : std::uint8_t { kAllow, kStepUp, kDeny };
inline constexpr int kDecisionCount = 3;

// Analyst feedback on an account.
enum class Label : std::uint8_t { kCompromised, kLegitimate };
inline constexpr int kLabelCount = 2;

inline bool IsSensitive(Action action) { return action != Action::kOther; }
inline bool IsSupportChannel(RequestChannel channel) {
  return channel != RequestChannel::kSelfService;
}

// The SPEC strings: "email_reset_then_sensitive_request", "HIGH",
// "SUPPORT_PIN", "EMAIL_ON_FILE", "SEND_CREDENTIALS", "LIVE_CHAT", "STEP_UP",
// "COMPROMISED". An out-of-range value gives "".
std::string_view name(RuleId rule);
std::string_view name(Level level);
std::string_view name(Factor factor);
std::string_view name(Destination destination);
std::string_view name(Action action);
std::string_view name(RequestChannel channel);
std::string_view name(Decision decision);
std::string_view name(Label label);

// The inverse of name(): exact, case-sensitive; nullopt for anything else.
std::optional<RuleId> RuleFromName(std::string_view text);
std::optional<Level> LevelFromName(std::string_view text);
std::optional<Factor> FactorFromName(std::string_view text);
std::optional<Destination> DestinationFromName(std::string_view text);
std::optional<Action> ActionFromName(std::string_view text);
std::optional<RequestChannel> RequestChannelFromName(std::string_view text);
std::optional<Decision> DecisionFromName(std::string_view text);
std::optional<Label> LabelFromName(std::string_view text);

}  // namespace riskd::scoring
