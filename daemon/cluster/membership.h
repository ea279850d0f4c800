// Membership over Kafka: this instance announces itself on the membership
// topic (one partition, compacted, key = instance id, value = a
// MemberRecord: advertised URL, the partitions it serves and restores,
// a timestamp) on every change of its partitions and as a heartbeat; and it
// follows the whole topic from the beginning with a plain assigned
// consumer (no group), keeping the newest record per instance in a
// MembershipTable.
//
// Records are signed under the cluster secret and verified on reading:
// anything else that writes to the topic is ignored (daemon/trust).
//
// One thread of its own does both, so nothing here waits in the Kafka poll
// loop of the pipeline or in an HTTP thread: HTTP threads only read the
// table under a mutex.
//
// Thread-safety: Start/Stop from one thread; OwnerOf/Live from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/clock/clock.h"
#include "daemon/cluster/membership_table.h"
#include "daemon/cluster/placement.h"
#include "daemon/kafka/message.h"
#include "daemon/kafka/kafka_options.h"
#include "daemon/trust/cluster_key.h"
#include "scoring/result.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace riskd::metrics {
class Metrics;
}

namespace riskd::cluster {

struct MembershipOptions {
  kafka::Properties properties;  // bootstrap.servers and security, as the other clients
  std::string topic = "riskd-members";
  std::string instance_id;
  std::string advertised_url;
  std::chrono::milliseconds heartbeat_interval{2000};
  scoring::DurationMicros member_ttl = 6 * scoring::kSecond;
  // Against a real cluster: create the topic (1 partition, compacted) when
  // missing. The embedded cluster creates it itself.
  bool create_topic = true;
  // kafka.standby_replicas: > 0 computes, from the membership view, the
  // partitions this instance follows as a standby (standby_plan.h) and
  // hands every new answer to `standby_plan` (on the membership thread).
  int standby_replicas = 0;
  std::function<void(std::set<int32_t>)> standby_plan;
  // The cluster secret (daemon/trust): every record published is signed;
  // a record read that is unsigned or badly signed is ignored and counted
  // (riskd_untrusted_records_total{topic="membership"}). Required.
  std::shared_ptr<const trust::ClusterKey> cluster_key = nullptr;
  // A record published more than this after `now` is refused (counted
  // too): a claim from the future would outlive its instance, and its
  // `since` would beat every honest one.
  scoring::DurationMicros max_clock_skew = 5 * scoring::kSecond;
};

// This instance's partitions, index = partition (size = partition count;
// empty while not consuming yet). Called on the membership thread.
using LocalView = std::function<std::vector<LocalState>()>;

class Membership {
 public:
  // `clock` stamps records and judges their age; `metrics` (may be null)
  // gets riskd_cluster_members. Both must outlive this.
  Membership(MembershipOptions options, LocalView local, const Clock* clock, metrics::Metrics* metrics = nullptr);
  ~Membership();
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;

  // Creates the clients (and the topic if asked) and starts the thread.
  // Errors: a client cannot be created (bad properties).
  Status Start();
  // Publishes a tombstone (this instance left), flushes it (bounded), stops
  // the thread. Idempotent.
  void Stop();

  // The owner of `partition` among the other instances, now.
  Owner OwnerOf(int32_t partition) const;
  // The live records now (this instance's own included once published).
  std::vector<Member> Live() const;

  const std::string& instance_id() const { return options_.instance_id; }
  // Before Start only (the bound port of a port-0 listener).
  void set_advertised_url(std::string url) { options_.advertised_url = std::move(url); }

 private:
  void Run();
  void Follow();                      // reads what arrived on the topic
  void Announce(bool force);          // publishes when the view changed or a heartbeat is due
  void PlanStandby();                 // hands a changed standby plan over
  void Publish(const std::string* value);  // nullptr: tombstone
  // A record read from the topic: applied to the table, or refused.
  void Apply(const kafka::ConsumedMessage& message);
  void Refuse(std::string_view why);
  void CreateTopicIfMissing();
  bool TopicExists();

  MembershipOptions options_;
  LocalView local_;
  const Clock* clock_;
  metrics::Metrics* metrics_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_t* consumer_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  bool stopped_ = false;

  // Membership thread only.
  std::map<int32_t, Claim> claims_;  // this instance's current claims
  std::optional<std::set<int32_t>> standby_plan_;  // the last plan handed over
  int32_t partition_count_ = 0;
  std::chrono::steady_clock::time_point next_heartbeat_{};
  std::chrono::steady_clock::time_point next_error_log_{};
  std::chrono::steady_clock::time_point next_untrusted_log_{};

  mutable std::mutex mu_;
  MembershipTable table_;  // guarded by mu_
};

}  // namespace riskd::cluster
