#include "daemon/cluster/member_codec.h"

#include <google/protobuf/util/json_util.h>

#include "riskd/cluster/v1/member.pb.h"

namespace riskd::cluster {

std::string EncodeMember(const Member& member) {
  v1::MemberRecord record;
  record.set_instance_id(member.instance_id);
  record.set_advertised_url(member.advertised_url);
  record.set_partition_count(member.partition_count);
  record.set_published_at_micros(member.published_at);
  for (const Claim& c : member.claims) {
    auto* claim = record.add_claims();
    claim->set_partition(c.partition);
    claim->set_state(c.state == ClaimState::kServing ? v1::PartitionClaim::SERVING : v1::PartitionClaim::RESTORING);
    claim->set_since_micros(c.since);
  }
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(record, &out);
  return out;
}

Result<Member> DecodeMember(std::string_view key, std::string_view value) {
  v1::MemberRecord record;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer riskd may add fields
  auto status = google::protobuf::util::JsonStringToMessage(std::string(value), &record, options);
  if (!status.ok()) return Error{"malformed", "membership record is not a MemberRecord"};
  if (record.instance_id() != key) return Error{"malformed", "membership record's instance id differs from its key"};
  Member m;
  m.instance_id = record.instance_id();
  m.advertised_url = record.advertised_url();
  m.partition_count = record.partition_count();
  m.published_at = record.published_at_micros();
  for (const auto& c : record.claims()) {
    if (c.state() == v1::PartitionClaim::STATE_UNSPECIFIED || c.partition() < 0) continue;
    m.claims.push_back(Claim{c.partition(),
                             c.state() == v1::PartitionClaim::SERVING ? ClaimState::kServing : ClaimState::kRestoring,
                             c.since_micros()});
  }
  return m;
}

}  // namespace riskd::cluster
