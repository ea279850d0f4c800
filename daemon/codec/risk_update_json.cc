#include "daemon/codec/risk_update_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "daemon/codec/json.h"

namespace riskd::codec {
namespace {

// Characters protobuf's printer writes as they are (everything else is
// escaped by it, in ways not worth copying: take the slow path).
bool Plain(char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != '\'' &&
         c != '=';
}

bool String(std::string& out, const std::string& s) {
  out.push_back('"');
  for (char c : s) {
    if (!Plain(c)) return false;
  }
  out.append(s);
  out.push_back('"');
  return true;
}

// protobuf's SimpleDtoa: 15 significant digits if they read back exactly,
// else 17.
bool Double(std::string& out, double v) {
  if (!std::isfinite(v)) return false;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  out.append(buf);
  return true;
}

// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protobuf prints.
bool Timestamp(std::string& out, const google::protobuf::Timestamp& t) {
  constexpr int64_t kMin = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMax = 253402300799;  // 9999-12-31T23:59:59Z
  if (t.seconds() < kMin || t.seconds() > kMax || t.nanos() < 0 || t.nanos() > 999'999'999) return false;
  const time_t secs = static_cast<time_t>(t.seconds());
  std::tm tm{};
  if (!gmtime_r(&secs, &tm)) return false;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "\"%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  const int32_t nanos = t.nanos();
  if (nanos != 0) {
    if (nanos % 1'000'000 == 0) {
      n += std::snprintf(buf + n, sizeof buf - n, ".%03d", nanos / 1'000'000);
    } else if (nanos % 1000 == 0) {
      n += std::snprintf(buf + n, sizeof buf - n, ".%06d", nanos / 1000);
    } else {
      n += std::snprintf(buf + n, sizeof buf - n, ".%09d", nanos);
    }
  }
  std::snprintf(buf + n, sizeof buf - n, "Z\"");
  out.append(buf);
  return true;
}

template <typename Enum>
bool EnumName(std::string& out, int value, const std::string& (*name)(Enum),
              bool (*valid)(int)) {
  if (!valid(value)) return false;  // protobuf prints an unknown value as a number
  out.push_back('"');
  out.append(name(static_cast<Enum>(value)));
  out.push_back('"');
  return true;
}

// Field order as protobuf's printer has it (always_print_primitive_fields):
// scalar and repeated fields in field-number order, then message fields
// (the timestamps).
bool Fast(std::string& out, const riskd::v1::RiskUpdate& u) {
  using riskd::v1::Factor;
  using riskd::v1::Level;
  out.append("{\"accountId\":");
  if (!String(out, u.account_id())) return false;
  out.append(",\"triggerEventId\":");
  if (!String(out, u.trigger_event_id())) return false;
  out.append(",\"score\":");
  if (!Double(out, u.score())) return false;
  out.append(",\"level\":");
  if (!EnumName<Level>(out, u.level(), &riskd::v1::Level_Name<Level>, &riskd::v1::Level_IsValid)) return false;
  out.append(",\"previousLevel\":");
  if (!EnumName<Level>(out, u.previous_level(), &riskd::v1::Level_Name<Level>, &riskd::v1::Level_IsValid)) {
    return false;
  }
  out.append(",\"reasons\":[");
  for (int i = 0; i < u.reasons_size(); ++i) {
    const auto& r = u.reasons(i);
    if (i > 0) out.push_back(',');
    out.append("{\"rule\":");
    if (!String(out, r.rule())) return false;
    out.append(",\"points\":");
    if (!Double(out, r.points())) return false;
    out.append(",\"eventIds\":[");
    for (int k = 0; k < r.event_ids_size(); ++k) {
      if (k > 0) out.push_back(',');
      if (!String(out, r.event_ids(k))) return false;
    }
    out.append("],\"detail\":");
    if (!String(out, r.detail())) return false;
    if (r.has_fired_at()) {
      out.append(",\"firedAt\":");
      if (!Timestamp(out, r.fired_at())) return false;
    }
    out.push_back('}');
  }
  out.append("],\"taintedFactors\":[");
  for (int i = 0; i < u.tainted_factors_size(); ++i) {
    if (i > 0) out.push_back(',');
    if (!EnumName<Factor>(out, u.tainted_factors(i), &riskd::v1::Factor_Name<Factor>, &riskd::v1::Factor_IsValid)) {
      return false;
    }
  }
  out.push_back(']');
  out.append(",\"configVersion\":");
  if (!String(out, u.config_version())) return false;
  if (u.has_occurred_at()) {
    out.append(",\"occurredAt\":");
    if (!Timestamp(out, u.occurred_at())) return false;
  }
  out.push_back('}');
  return true;
}

}  // namespace

bool RiskUpdateToJsonDirect(const riskd::v1::RiskUpdate& update, std::string* out) {
  out->clear();
  out->reserve(256 + 128 * static_cast<size_t>(update.reasons_size()));
  return update.GetReflection()->GetUnknownFields(update).empty() && Fast(*out, update);
}

std::string RiskUpdateToJson(const riskd::v1::RiskUpdate& update) {
  std::string out;
  if (!RiskUpdateToJsonDirect(update, &out)) return ToJson(update);
  return out;
}

}  // namespace riskd::codec
