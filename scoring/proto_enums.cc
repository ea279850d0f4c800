// The proto enums number the same values in the same order as ours, offset
// by one (0 is "unspecified" in proto3). The static_asserts pin that down so
// a schema change cannot silently shift a mapping.
#include "scoring/proto_enums.h"

namespace riskd::scoring {
namespace {

static_assert(v1::CRITICAL == 1 + static_cast<int>(Level::kCritical));
static_assert(v1::ID_DOCUMENT == 1 + static_cast<int>(Factor::kIdDocument));
static_assert(v1::EMAIL_LINK == 1 + static_cast<int>(Factor::kEmailLink));
static_assert(v1::IN_SESSION == 1 + static_cast<int>(Destination::kInSession));
static_assert(v1::OTHER == 1 + static_cast<int>(Action::kOther));
static_assert(v1::TRANSFER_ASSET ==
              1 + static_cast<int>(Action::kTransferAsset));
static_assert(v1::RequestChannel::SELF_SERVICE ==
              1 + static_cast<int>(RequestChannel::kSelfService));
static_assert(v1::RequestChannel::TICKET ==
              1 + static_cast<int>(RequestChannel::kTicket));
static_assert(v1::DENY == 1 + static_cast<int>(Decision::kDeny));
static_assert(v1::LEGITIMATE == 1 + static_cast<int>(Label::kLegitimate));

template <typename Proto, typename Ours>
Proto Up(Ours v) {
  return static_cast<Proto>(static_cast<int>(v) + 1);
}

template <typename Ours, int kCount, typename Proto>
std::optional<Ours> Down(Proto v) {
  const int n = static_cast<int>(v);
  if (n < 1 || n > kCount) return std::nullopt;
  return static_cast<Ours>(n - 1);
}

}  // namespace

v1::Level ToProto(Level v) { return Up<v1::Level>(v); }
v1::Factor ToProto(Factor v) { return Up<v1::Factor>(v); }
v1::Destination ToProto(Destination v) { return Up<v1::Destination>(v); }
v1::Action ToProto(Action v) { return Up<v1::Action>(v); }
v1::RequestChannel ToProto(RequestChannel v) {
  return Up<v1::RequestChannel>(v);
}
v1::Decision ToProto(Decision v) { return Up<v1::Decision>(v); }
v1::Label ToProto(Label v) { return Up<v1::Label>(v); }

std::optional<Level> FromProto(v1::Level v) {
  return Down<Level, kLevelCount>(v);
}
std::optional<Factor> FromProto(v1::Factor v) {
  return Down<Factor, kFactorCount>(v);
}
std::optional<Destination> FromProto(v1::Destination v) {
  return Down<Destination, kDestinationCount>(v);
}
std::optional<Action> FromProto(v1::Action v) {
  return Down<Action, kActionCount>(v);
}
std::optional<RequestChannel> FromProto(v1::RequestChannel v) {
  return Down<RequestChannel, kRequestChannelCount>(v);
}
std::optional<Decision> FromProto(v1::Decision v) {
  return Down<Decision, kDecisionCount>(v);
}
std::optional<Label> FromProto(v1::Label v) {
  return Down<Label, kLabelCount>(v);
}

}  // namespace riskd::scoring
