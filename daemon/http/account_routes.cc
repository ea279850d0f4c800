// GET .../risk, POST .../evaluate, POST .../feedback.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <string>

#include "daemon/codec/json.h"
#include "daemon/http/api.h"
#include "daemon/http/decision_id.h"
#include "daemon/http/render.h"
#include "daemon/http/responses.h"
#include "daemon/http/routes.h"
#include "daemon/http/target.h"
#include "daemon/http/timestamps.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "riskd/v1/risk.pb.h"
#include "scoring/proto_enums.h"

namespace riskd::http {
namespace {

Response BadRequest(std::string_view message) { return ErrorResponse(400, "INVALID_ARGUMENT", message); }

// The account's state, or the response to give instead.
struct AccountRead {
  std::optional<scoring::AccountState> state;
  std::optional<Response> failure;
};

AccountRead ReadAccount(const Call& call, const std::string& account_id) {
  auto read = call.backend.ReadAccount(account_id);
  if (read.ok()) return {std::move(*read), std::nullopt};
  if (read.error().code == "unavailable") return {std::nullopt, Unavailable(read.error().message)};
  log::Error("http", "account read failed", {{"code", read.error().code}, {"error", read.error().message}});
  return {std::nullopt, ErrorResponse(500, "INTERNAL", "cannot read the account's state")};
}

// A request body as `T`: strict (unknown fields and enum names are 400s
// naming the field; so is a key given twice, which protobuf would
// otherwise read as its last value).
template <typename T>
Result<T> ParseBody(const Call& call) {
  if (call.request.body.empty()) return Error{"malformed", "request body: a JSON object is required"};
  codec::JsonReadOptions options;
  options.reject_duplicate_fields = true;
  auto parsed = codec::FromJson<T>(call.request.body, options);
  if (!parsed.ok()) return Error{parsed.error().code, parsed.error().message};
  return parsed;
}

// The 400 for a body ParseBody refused: a duplicate key has its own code.
Response BadBody(const Error& error) {
  if (error.code == "duplicate_field") return ErrorResponse(400, "duplicate_field", error.message);
  return BadRequest(error.message);
}

google::protobuf::Value StringValue(std::string_view text) {
  google::protobuf::Value v;
  v.set_string_value(std::string(text));
  return v;
}

google::protobuf::Value BoolValue(bool b) {
  google::protobuf::Value v;
  v.set_bool_value(b);
  return v;
}

// Risk's only query parameter is asOf; anything else is a client mistake
// worth telling about (a misspelt `asof` would silently mean "now").
Result<scoring::EpochMicros> RiskAsOf(const Call& call) {
  auto params = ParseQuery(call.match.query);
  if (!params.ok()) return params.error();
  std::optional<scoring::EpochMicros> as_of;
  for (const auto& [name, value] : *params) {
    if (name != "asOf") return Error{"invalid_argument", "unknown query parameter: " + name.substr(0, 64)};
    if (as_of) return Error{"invalid_argument", "asOf: given more than once"};
    as_of = ParseRfc3339(value);
    if (!as_of) return Error{"invalid_argument", "asOf: not an RFC 3339 timestamp (e.g. 2026-11-28T09:12:00Z)"};
  }
  return as_of ? *as_of : call.backend.Now();
}

}  // namespace

Response ServeRisk(const Call& call) {
  auto account_id = DecodeAccountId(call.match.account_segment);
  if (!account_id.ok()) return BadRequest(account_id.error().message);
  auto as_of = RiskAsOf(call);
  if (!as_of.ok()) return BadRequest(as_of.error().message);
  AccountRead read = ReadAccount(call, *account_id);
  if (read.failure) return std::move(*read.failure);
  if (!read.state) return JsonResponse(200, RenderUnknownAccount(*account_id, call.running.version));
  const scoring::RiskReport report = call.running.engine->Risk(*read.state, *as_of);
  return JsonResponse(200, RenderRisk(*account_id, report, call.running.version));
}

Response ServeEvaluate(const Call& call) {
  auto account_id = DecodeAccountId(call.match.account_segment);
  if (!account_id.ok()) return BadRequest(account_id.error().message);
  auto body = ParseBody<v1::EvaluateRequest>(call);
  if (!body.ok()) return BadBody(body.error());
  // Evaluating as of another time asks what the policy would have said
  // then: before a COMPROMISED label, a reset or a failed-login burst. A
  // support agent could use it to turn today's DENY into yesterday's
  // STEP_UP, so only roles that investigate may.
  if (body->has_as_of() && !config::RoleAtLeast(call.principal->role, Role::kAnalyst)) {
    return ErrorResponse(403, "asof_not_allowed", "asOf: only analyst and admin tokens may evaluate as of another time");
  }
  // proto3 cannot tell a missing enum from its zero value; both are
  // "unspecified" and SPEC treats that as missing.
  scoring::EvaluateRequest request;
  auto action = scoring::FromProto(body->action());
  if (!action) return BadRequest("action: required (e.g. SEND_CREDENTIALS)");
  auto channel = scoring::FromProto(body->channel());
  if (!channel) return BadRequest("channel: required (LIVE_CHAT, EMAIL, PHONE, TICKET or SELF_SERVICE)");
  request.action = *action;
  request.channel = *channel;
  request.deliver_to = scoring::FromProto(body->deliver_to());
  request.requester_authenticated = body->requester_authenticated();
  const scoring::EpochMicros as_of = body->has_as_of() ? MicrosOf(body->as_of()) : call.backend.Now();

  AccountRead read = ReadAccount(call, *account_id);
  if (read.failure) return std::move(*read.failure);
  const scoring::AccountState empty{};
  const scoring::EvaluateResult result =
      call.running.engine->Evaluate(read.state ? *read.state : empty, request, as_of);
  auto decision_id = NewDecisionId();
  if (!decision_id.ok()) return ErrorResponse(500, "INTERNAL", decision_id.error().message);

  google::protobuf::Struct detail;
  auto& fields = *detail.mutable_fields();
  fields["decisionId"] = StringValue(*decision_id);
  fields["action"] = StringValue(scoring::name(request.action));
  fields["channel"] = StringValue(scoring::name(request.channel));
  if (request.deliver_to) fields["deliverTo"] = StringValue(scoring::name(*request.deliver_to));
  fields["requesterAuthenticated"].set_bool_value(request.requester_authenticated);
  // An answer given as of another time must say so in the trail.
  if (body->has_as_of()) fields["asOf"] = StringValue(google::protobuf::util::TimeUtil::ToString(body->as_of()));
  fields["score"].set_number_value(result.report.score);
  fields["level"] = StringValue(scoring::name(result.report.level));
  auto* why = fields["why"].mutable_list_value();
  for (const auto& line : result.why) *why->add_values() = StringValue(line);
  AuditRecord audit{call.backend.Now(), call.principal->name, "evaluate", *account_id,
                    std::string(scoring::name(result.decision)), call.running.version, StructJson(detail)};
  // Fail closed: a decision that cannot be audited is not given.
  if (auto status = call.backend.Audit(audit); !status.ok()) {
    log::Error("http", "audit failed", {{"what", "evaluate"}, {"error", status.error().message}});
    return Unavailable("cannot record the decision in the audit trail");
  }
  call.metrics.Evaluation(scoring::name(request.action), scoring::name(result.decision));
  ShadowEvaluate(call, *account_id, read.state ? *read.state : empty, request, as_of, result);
  return JsonResponse(200, RenderEvaluate(result, *decision_id, call.running.version));
}

Response ServeFeedback(const Call& call) {
  auto account_id = DecodeAccountId(call.match.account_segment);
  if (!account_id.ok()) return BadRequest(account_id.error().message);
  auto body = ParseBody<v1::FeedbackRequest>(call);
  if (!body.ok()) return BadBody(body.error());
  auto label = scoring::FromProto(body->label());
  if (!label) return BadRequest("label: required (COMPROMISED or LEGITIMATE)");
  if (body->note().size() > call.options.max_note_bytes) {
    return BadRequest("note: longer than " + std::to_string(call.options.max_note_bytes) + " bytes");
  }

  auto applied = call.backend.ApplyLabel(*account_id, *label, body->note(), call.principal->name);
  // Applied and durable here, but the broker has not acknowledged its
  // changelog record, so another instance taking the account over would
  // not see it yet: not a 200. The label stays in force here and is
  // published later; a retry applies it again, which changes nothing that
  // matters (daemon/pipeline/README.md, "Labels").
  const bool unacknowledged = !applied.ok() && applied.error().code == "not_acknowledged";
  if (!applied.ok() && !unacknowledged) {
    if (applied.error().code == "unavailable") return Unavailable(applied.error().message);
    log::Error("http", "label not applied", {{"code", applied.error().code}, {"error", applied.error().message}});
    return ErrorResponse(500, "INTERNAL", "cannot record the label");
  }
  google::protobuf::Struct detail;
  (*detail.mutable_fields())["note"] = StringValue(body->note());
  if (unacknowledged) (*detail.mutable_fields())["acknowledged"] = BoolValue(false);
  AuditRecord audit{call.backend.Now(), call.principal->name, "feedback", *account_id,
                    std::string(scoring::name(*label)), call.running.version, StructJson(detail)};
  // The label is in force already; undoing it is not possible, so a failed
  // audit write is logged loudly instead of turned into an error the
  // client would retry (and so label twice).
  if (auto status = call.backend.Audit(audit); !status.ok()) {
    log::Error("http", "audit failed", {{"what", "feedback"}, {"account", *account_id},
                                        {"error", status.error().message}});
  }
  if (unacknowledged) {
    log::Warn("http", "label applied but not acknowledged by the broker; asking the client to retry",
              {{"account", *account_id}, {"error", applied.error().message}});
    return Unavailable("label applied on this instance but not yet replicated (" + applied.error().message +
                       "); retry: applying it again is harmless");
  }
  v1::FeedbackResponse response;
  response.set_account_id(*account_id);
  response.set_label(body->label());
  SetTimestamp(*applied, response.mutable_recorded_at());
  response.set_config_version(call.running.version);
  return JsonResponse(200, response);
}

}  // namespace riskd::http
