#include "daemon/kafka/client_stats.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cctype>

namespace riskd::kafka {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const Value* Field(const Struct& s, const char* name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

int64_t Int(const Struct& s, const char* name, int64_t fallback) {
  const Value* v = Field(s, name);
  return v && v->kind_case() == Value::kNumberValue ? static_cast<int64_t>(v->number_value()) : fallback;
}

bool Bool(const Struct& s, const char* name) {
  const Value* v = Field(s, name);
  return v && v->kind_case() == Value::kBoolValue && v->bool_value();
}

std::string String(const Struct& s, const char* name) {
  const Value* v = Field(s, name);
  return v && v->kind_case() == Value::kStringValue ? v->string_value() : std::string();
}

const Struct* Object(const Struct& s, const char* name) {
  const Value* v = Field(s, name);
  return v && v->kind_case() == Value::kStructValue ? &v->struct_value() : nullptr;
}

}  // namespace

Result<ClientStats> ParseClientStats(std::string_view json) {
  Struct doc;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &doc, options);
  if (!status.ok()) return Error{"malformed", "statistics JSON: " + std::string(status.message())};

  ClientStats out;
  if (const Struct* brokers = Object(doc, "brokers")) {
    for (const auto& [key, value] : brokers->fields()) {
      if (value.kind_case() != Value::kStructValue) continue;
      const Struct& b = value.struct_value();
      if (Int(b, "nodeid", -1) < 0 || String(b, "source") == "logical") continue;
      out.brokers.push_back({String(b, "name").empty() ? key : String(b, "name"), String(b, "state") == "UP"});
    }
  }
  if (const Struct* topics = Object(doc, "topics")) {
    for (const auto& [topic, tvalue] : topics->fields()) {
      if (tvalue.kind_case() != Value::kStructValue) continue;
      const Struct* partitions = Object(tvalue.struct_value(), "partitions");
      if (!partitions) continue;
      for (const auto& [pkey, pvalue] : partitions->fields()) {
        if (pvalue.kind_case() != Value::kStructValue) continue;
        const Struct& p = pvalue.struct_value();
        const int64_t id = Int(p, "partition", -1);
        if (id < 0 || !Bool(p, "desired")) continue;  // -1: librdkafka's internal UA partition
        int64_t lag = Int(p, "consumer_lag", -1);
        if (lag < 0) {
          // No commit of this member yet (just assigned): measure from the
          // fetch position, which starts where the consumer was assigned
          // (for riskd, its stored offset).
          int64_t end = Int(p, "ls_offset", -1);
          if (end < 0) end = Int(p, "hi_offset", -1);
          const int64_t position = Int(p, "next_offset", -1);
          if (end < 0 || position < 0) continue;  // not known yet
          lag = std::max<int64_t>(0, end - position);
        }
        out.lags.push_back({topic, static_cast<int32_t>(id), lag});
      }
    }
  }
  return out;
}

std::string ErrorReason(int err) {
  std::string name = rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err));
  if (!name.empty() && name[0] == '_') name.erase(0, 1);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.empty() ? "unknown" : name;
}

}  // namespace riskd::kafka
