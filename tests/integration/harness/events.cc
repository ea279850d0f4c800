#include "tests/integration/harness/events.h"

#include <map>
#include <random>

#include "daemon/codec/json.h"
#include "daemon/kafka/partitioner.h"

namespace riskd::it {
namespace {

v1::AccountEvent Base(const std::string& id, const std::string& account, scoring::EpochMicros at) {
  v1::AccountEvent e;
  e.set_event_id(id);
  e.set_account_id(account);
  e.mutable_occurred_at()->set_seconds(at / scoring::kSecond);
  e.mutable_occurred_at()->set_nanos(static_cast<int32_t>(at % scoring::kSecond) * 1000);
  return e;
}

}  // namespace

v1::AccountEvent SuccessfulLogin(const std::string& id, const std::string& account, scoring::EpochMicros at,
                                 const std::string& device, const std::string& ip, uint32_t asn) {
  auto e = Base(id, account, at);
  e.mutable_login()->set_result(v1::Login::SUCCESS);
  e.mutable_login()->set_method(v1::Login::PASSWORD);
  e.mutable_context()->set_device_id(device);
  e.mutable_context()->set_ip(ip);
  e.mutable_context()->set_asn(asn);
  return e;
}

v1::AccountEvent EmailReset(const std::string& id, const std::string& account, scoring::EpochMicros at) {
  auto e = Base(id, account, at);
  e.mutable_password_reset()->set_stage(v1::PasswordReset::COMPLETED);
  e.mutable_password_reset()->set_channel(v1::PasswordReset::EMAIL);
  return e;
}

v1::AccountEvent SendCredentialsRequest(const std::string& id, const std::string& account, scoring::EpochMicros at) {
  auto e = Base(id, account, at);
  auto* s = e.mutable_support_request();
  s->set_ticket_id("T-" + id);
  s->set_channel(v1::SupportRequest::LIVE_CHAT);
  s->set_requested_action(v1::SEND_CREDENTIALS);
  s->set_deliver_to(v1::EMAIL_ON_FILE);
  s->set_requester_authenticated(false);
  return e;
}

v1::AccountEvent MfaRemoved(const std::string& id, const std::string& account, scoring::EpochMicros at) {
  auto e = Base(id, account, at);
  e.mutable_account_change()->set_field(v1::AccountChange::MFA);
  e.mutable_account_change()->set_operation(v1::AccountChange::REMOVED);
  e.mutable_account_change()->set_actor(v1::AccountChange::SELF_SERVICE);
  return e;
}

std::vector<v1::AccountEvent> Incident(const std::string& account, scoring::EpochMicros start) {
  return {
      SuccessfulLogin(account + "-login-1", account, start, "laptop-1", "198.51.100.10", 64500),
      EmailReset(account + "-reset", account, start + 2 * scoring::kHour),
      SuccessfulLogin(account + "-login-2", account, start + 2 * scoring::kHour + 5 * scoring::kMinute, "attacker-1",
                      "203.0.113.7", 64999),
      SendCredentialsRequest(account + "-chat", account, start + 2 * scoring::kHour + 20 * scoring::kMinute),
  };
}

std::vector<v1::AccountEvent> RandomStream(uint64_t seed, int count, int accounts, scoring::EpochMicros start) {
  std::mt19937_64 rng(seed);
  std::vector<v1::AccountEvent> out;
  out.reserve(count);
  scoring::EpochMicros t = start;
  for (int i = 0; i < count; ++i) {
    t += static_cast<scoring::EpochMicros>(rng() % (2 * scoring::kSecond));
    const std::string account = "acct-" + std::to_string(rng() % accounts);
    // Up to 10 minutes out of order: within allowed_lateness.
    const scoring::EpochMicros at = t - static_cast<scoring::EpochMicros>(rng() % (10 * scoring::kMinute));
    if (i > 0 && rng() % 50 == 0) {  // a producer retry: the same event again
      out.push_back(out[rng() % out.size()]);
      continue;
    }
    const std::string id = "ev-" + std::to_string(seed) + "-" + std::to_string(i);
    const int device = static_cast<int>(rng() % 3);
    const std::string ip = "198.51." + std::to_string(rng() % 4) + ".9";
    switch (rng() % 10) {
      case 0: out.push_back(EmailReset(id, account, at)); break;
      case 1: out.push_back(SendCredentialsRequest(id, account, at)); break;
      case 2: out.push_back(MfaRemoved(id, account, at)); break;
      case 3: {
        auto e = SuccessfulLogin(id, account, at, "d-" + std::to_string(device), ip, 64500 + device);
        e.mutable_login()->set_result(v1::Login::FAILURE);
        out.push_back(std::move(e));
        break;
      }
      default:
        out.push_back(SuccessfulLogin(id, account, at, "d-" + std::to_string(device), ip, 64500 + device));
    }
  }
  return out;
}

std::string JsonValue(const v1::AccountEvent& event) { return codec::ToJson(event); }
std::string ProtoValue(const v1::AccountEvent& event) { return event.SerializeAsString(); }

std::vector<std::string> OneAccountPerPartition(int accounts, int partitions) {
  std::map<int32_t, std::string> by_partition;
  for (int i = 0; i < accounts && static_cast<int>(by_partition.size()) < partitions; ++i) {
    const std::string id = "acct-" + std::to_string(i);
    by_partition.emplace(kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, id, partitions), id);
  }
  std::vector<std::string> out;
  for (auto& [p, id] : by_partition) out.push_back(id);
  return out;
}

}  // namespace riskd::it
