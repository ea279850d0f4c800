// GET /v1/config (analyst) and POST /v1/config:reload (admin).
#include <google/protobuf/struct.pb.h>

#include <string>

#include "daemon/config/config.h"
#include "daemon/config/reload_scope.h"
#include "daemon/http/responses.h"
#include "daemon/http/routes.h"
#include "daemon/log/log.h"

namespace riskd::http {
namespace {

google::protobuf::Value StringValue(std::string_view text) {
  google::protobuf::Value v;
  v.set_string_value(std::string(text));
  return v;
}

google::protobuf::Value StringList(const std::vector<std::string>& items) {
  google::protobuf::Value v;
  auto* list = v.mutable_list_value();
  for (const auto& item : items) *list->add_values() = StringValue(item);
  return v;
}

}  // namespace

Response ServeConfig(const Call& call) {
  // The effective config in force (defaults filled in) with token digests
  // and secret-looking Kafka properties redacted: a reader of this endpoint
  // must not collect material to attack the tokens. Spliced as text rather
  // than re-parsed so 64-bit numbers keep every digit. Keys a reload changed
  // that apply only after a restart are listed in restartRequired, and their
  // values from the file in `pending`: `config` is what runs.
  google::protobuf::Struct head;
  (*head.mutable_fields())["configVersion"] = StringValue(call.running.version);
  (*head.mutable_fields())["restartRequired"] = StringList(call.running.restart_required);
  // Whether a candidate config runs beside this one (scoring.shadow_config),
  // and which version of it: what riskd_shadow_disagreements_total compares.
  auto& shadow = *(*head.mutable_fields())["shadow"].mutable_struct_value()->mutable_fields();
  shadow["enabled"].set_bool_value(call.running.shadow_engine != nullptr);
  if (call.running.shadow_engine) {
    shadow["file"] = StringValue(call.running.config->shadow_config);
    shadow["configVersion"] = StringValue(call.running.shadow_version);
  }
  Response response = JsonResponse(200, head);
  response.body.pop_back();  // the closing brace
  response.body += R"(,"config":)" +
                   config::DumpEffective(*call.running.config, /*redact_secrets=*/true, config::DumpFormat::kJson);
  const config::Config& file = call.running.file ? *call.running.file : *call.running.config;
  response.body += R"(,"pending":)" +
                   config::DumpKeysJson(file, call.running.restart_required, /*redact_secrets=*/true) + "}";
  return response;
}

Response ServeConfigReload(const Call& call) {
  const ReloadOutcome outcome = call.backend.ReloadConfig();

  google::protobuf::Struct detail;
  auto& detail_fields = *detail.mutable_fields();
  detail_fields["previousConfigVersion"] = StringValue(call.running.version);
  detail_fields["restartRequired"] = StringList(outcome.restart_required);
  auto* problems = detail_fields["problems"].mutable_list_value();
  for (const auto& problem : outcome.problems) *problems->add_values() = StringValue(problem);
  AuditRecord audit{call.backend.Now(), call.principal->name, "config_reload", "",
                    outcome.ok ? "ok" : "refused", outcome.version, StructJson(detail)};
  // The reload has happened (or been refused) already; a failed audit
  // write cannot undo it, so it is logged and the answer stands.
  if (auto status = call.backend.Audit(audit); !status.ok()) {
    log::Error("http", "audit failed", {{"what", "config_reload"}, {"error", status.error().message}});
  }

  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  if (outcome.ok) {
    fields["configVersion"] = StringValue(outcome.version);
    fields["previousConfigVersion"] = StringValue(call.running.version);
    // What the file changed but this process cannot apply without a restart
    // (listeners, Kafka, state, cluster): the reload must not claim it.
    fields["restartRequired"] = StringList(outcome.restart_required);
    return JsonResponse(200, body);
  }
  // 422 in the error shape, with every problem both in the message and as
  // a list; the config in force is unchanged.
  std::string message = std::to_string(outcome.problems.size()) + " problem(s), config not reloaded";
  for (const auto& problem : outcome.problems) message += "; " + problem;
  auto& error = *fields["error"].mutable_struct_value()->mutable_fields();
  error["code"] = StringValue("INVALID_CONFIG");
  error["message"] = StringValue(message);
  error["problems"] = detail_fields["problems"];
  fields["configVersion"] = StringValue(outcome.version);
  return JsonResponse(422, body);
}

}  // namespace riskd::http
