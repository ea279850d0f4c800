#include "labeled_stream.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "daemon/tools/record_io.h"

namespace riskd::tools::testing {
namespace {

namespace v1 = riskd::v1;
using scoring::EpochMicros;
using scoring::kDay;
using scoring::kHour;
using scoring::kMinute;
using scoring::kSecond;

struct Ctx {
  std::string ip, device;
  std::uint32_t asn = 0;
  double lat = 0, lon = 0;
};
const Ctx kHome{"198.51.100.7", "d-home", 64500, 40.71, -74.01};
const Ctx kTokyo{"198.51.100.9", "d-home", 64500, 35.68, 139.65};  // same laptop
const Ctx kAttacker{"203.0.113.66", "d-evil", 64666, 52.37, 4.90};
const Ctx kNone{};

class Builder {
 public:
  v1::AccountEvent& Base(const std::string& account, EpochMicros t, const Ctx& c) {
    events_.emplace_back();
    v1::AccountEvent& e = events_.back();
    e.set_event_id("e-" + std::to_string(events_.size()));
    e.set_account_id(account);
    *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(t);
    if (!c.ip.empty()) {
      auto* ctx = e.mutable_context();
      ctx->set_ip(c.ip);
      ctx->set_device_id(c.device);
      ctx->set_asn(c.asn);
      ctx->set_latitude(c.lat);
      ctx->set_longitude(c.lon);
    }
    return e;
  }
  void Login(const std::string& a, EpochMicros t, const Ctx& c, bool ok = true) {
    auto* l = Base(a, t, c).mutable_login();
    l->set_result(ok ? v1::Login::SUCCESS : v1::Login::FAILURE);
    l->set_method(v1::Login::PASSWORD);
  }
  void Reset(const std::string& a, EpochMicros t, const Ctx& c, v1::PasswordReset::Stage stage) {
    auto* r = Base(a, t, c).mutable_password_reset();
    r->set_stage(stage);
    r->set_channel(v1::PasswordReset::EMAIL);
  }
  void Support(const std::string& a, EpochMicros t, const Ctx& c, v1::Action action,
               v1::Destination to, bool authenticated) {
    auto* s = Base(a, t, c).mutable_support_request();
    s->set_ticket_id("T-" + std::to_string(events_.size()));
    s->set_channel(v1::SupportRequest::LIVE_CHAT);
    s->set_requested_action(action);
    if (to != v1::DESTINATION_UNSPECIFIED) s->set_deliver_to(to);
    s->set_requester_authenticated(authenticated);
  }
  std::vector<v1::AccountEvent> Take() {
    std::stable_sort(events_.begin(), events_.end(), [](const auto& x, const auto& y) {
      return google::protobuf::util::TimeUtil::TimestampToMicroseconds(x.occurred_at()) <
             google::protobuf::util::TimeUtil::TimestampToMicroseconds(y.occurred_at());
    });
    return std::move(events_);
  }

 private:
  std::vector<v1::AccountEvent> events_;
};

}  // namespace

std::vector<v1::AccountEvent> LabeledStreamEvents() {
  Builder b;
  for (const char* a : {"acct-a1", "acct-a2", "acct-a3", "acct-b1", "acct-b2", "acct-b3"}) {
    b.Login(a, kT0 - 10 * kDay, kHome);
  }
  b.Login("acct-a4", kT0 - 21 * kDay, kHome);

  // a1: the SPEC section 1 incident.
  b.Reset("acct-a1", kT0, kAttacker, v1::PasswordReset::REQUESTED);
  b.Reset("acct-a1", kT0 + 2 * kMinute, kAttacker, v1::PasswordReset::COMPLETED);
  b.Login("acct-a1", kT0 + 5 * kMinute, kAttacker);
  b.Support("acct-a1", kT0 + 20 * kMinute, kAttacker, v1::SEND_CREDENTIALS, v1::EMAIL_ON_FILE,
            false);
  // a2: reset-only takeover.
  b.Reset("acct-a2", kT0 + kHour, kAttacker, v1::PasswordReset::REQUESTED);
  b.Login("acct-a2", kT0 + kHour + 5 * kMinute, kAttacker);
  // a3, a4: failed-login bursts.
  for (int i = 0; i < 10; ++i) {
    b.Login("acct-a3", kT0 + 2 * kHour + i * 20 * kSecond, kNone, false);
    b.Login("acct-a4", kT0 + 3 * kHour + i * 20 * kSecond, kNone, false);
  }
  // a4's honest past: an impossible trip 20 days before.
  b.Login("acct-a4", kT0 - 20 * kDay, kHome);
  b.Login("acct-a4", kT0 - 20 * kDay + kHour, kTokyo);
  // b1: forgot the password, then asked for the credentials by email.
  b.Reset("acct-b1", kT0 + 4 * kHour, kHome, v1::PasswordReset::REQUESTED);
  b.Reset("acct-b1", kT0 + 4 * kHour + 3 * kMinute, kHome, v1::PasswordReset::COMPLETED);
  b.Login("acct-b1", kT0 + 4 * kHour + 5 * kMinute, kHome);
  b.Support("acct-b1", kT0 + 4 * kHour + 30 * kMinute, kHome, v1::SEND_CREDENTIALS,
            v1::EMAIL_ON_FILE, true);
  // b2: nothing to see.
  b.Login("acct-b2", kT0 + 5 * kHour, kHome);
  // b3: New York, then Tokyo an hour later, then a request.
  b.Login("acct-b3", kT0 - 2 * kDay, kHome);
  b.Login("acct-b3", kT0 - 2 * kDay + kHour, kTokyo);
  b.Support("acct-b3", kT0 - 2 * kDay + 2 * kHour, kHome, v1::CHANGE_EMAIL,
            v1::DESTINATION_UNSPECIFIED, true);
  return b.Take();
}

std::vector<LabelRow> LabeledStreamLabels() {
  return {
      {"acct-a1", true, "takeover", kT0},
      {"acct-a2", true, "takeover", kT0 + kHour},
      {"acct-a3", true, "stuffing", kT0 + 2 * kHour},
      {"acct-a4", true, "stuffing", kT0 + 3 * kHour},
      {"acct-b1", false, "", 0},
      {"acct-b2", false, "", 0},
      {"acct-b3", false, "", 0},
  };
}

void WriteLabeledStream(const std::string& path, const std::string& labels_path) {
  auto format = FormatForPath(path);
  auto writer = RecordWriter::Open(path, *format);
  for (const auto& e : LabeledStreamEvents()) {
    std::string record;
    if (*format == RecordFormat::kJsonLines) {
      (void)google::protobuf::util::MessageToJsonString(e, &record);
    } else {
      e.SerializeToString(&record);
    }
    (*writer)->Write(record);
  }
  (void)(*writer)->Close();
  std::ofstream labels(labels_path);
  labels << kLabelsHeader;
  for (const LabelRow& row : LabeledStreamLabels()) labels << FormatLabel(row);
}

std::string TempPath(const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir ? dir : "/tmp") + "/riskd-tools-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const int fd = mkstemp(buf.data());
  if (fd >= 0) close(fd);
  std::string base(buf.data());
  std::remove(base.c_str());
  return base + suffix;
}

}  // namespace riskd::tools::testing
