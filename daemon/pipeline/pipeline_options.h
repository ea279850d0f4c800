// Options of the event pipeline, one field per knob with its default. Filled
// from config::Config by daemon/app.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "daemon/codec/event_decoder.h"
#include "daemon/kafka/partitioner.h"
#include "scoring/time.h"

namespace riskd::pipeline {

enum class UpdateFormat { kJson, kProtobuf };

struct PipelineOptions {
  // Where RiskUpdates go (kafka.decisions_topic).
  std::string decisions_topic = "risk-decisions";
  // Rejected input goes to <input topic><dead_letter_suffix> (kafka.dead_letter_suffix).
  std::string dead_letter_suffix = ".dlq";
  // RiskUpdate encoding (kafka.decisions_format: json | protobuf).
  UpdateFormat decisions_format = UpdateFormat::kJson;
  // How producers map account ids to partitions (kafka.partitioner); used
  // to find an account's partition for reads and labels.
  kafka::Partitioner partitioner = kafka::Partitioner::kConsistentRandom;
  // /readyz says not ready while an owned partition lags more than this
  // (readiness.max_lag_messages).
  int64_t readiness_max_lag_messages = 10'000;
  // Consumption pauses while this many outbox entries wait for the broker
  // (a broker outage), and resumes below half of it: the outbox lives on
  // disk, but it must not grow without bound either.
  int64_t max_unpublished_outbox = 200'000;
  // Backoff between retries of a failed store write (doubles up to max).
  std::chrono::milliseconds write_retry_min{100};
  std::chrono::milliseconds write_retry_max{5'000};
  // A rejected value larger than this is dead-lettered without its value
  // (header riskd-original-bytes says its size): it could not be produced
  // under librdkafka's default message.max.bytes (1,000,000).
  size_t max_dead_letter_value_bytes = 900'000;
  // Input decoding limits (SPEC section 2).
  codec::DecodeOptions decode;
  // The changelog of partition state (kafka.changelog_topic, resolved):
  // every batch's account changes and input offsets go to the outbox for it.
  // "": no changelog (unit tests).
  std::string changelog_topic;
  // Accounts idle longer than this are deleted by the periodic sweep, with a
  // changelog tombstone (the longest window, as the store's age filter).
  scoring::DurationMicros max_idle = 90 * scoring::kDay;
  // How often each partition is swept for aged-out accounts.
  std::chrono::milliseconds sweep_every{10 * 60 * 1000};
  // Changelog records per restore write (WAL off).
  size_t restore_batch = 5'000;
  // kafka.standby_replicas: > 0 follows, as a standby, the changelog of the
  // partitions SetStandbyPlan names (which the membership view computes).
  int standby_replicas = 0;
  // How long an analyst label waits for the broker to acknowledge its
  // changelog record before the API answers 503 (the label stays applied
  // here and is published later; the client retries).
  std::chrono::milliseconds label_ack_timeout{5'000};
  // At most this many labels wait for their acknowledgement at once; more
  // are refused (503, nothing applied). A wait holds an HTTP thread, and
  // during an outage labels must not take every thread from evaluate.
  int max_labels_waiting = 2;
  // How long an owner's claim of a partition (fencing) waits for the
  // broker's acknowledgement before the partition is checked again.
  std::chrono::milliseconds claim_timeout{10'000};
};

}  // namespace riskd::pipeline
