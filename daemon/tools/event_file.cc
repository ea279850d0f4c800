#include "daemon/tools/event_file.h"

#include <google/protobuf/arena.h>

#include <chrono>
#include <limits>
#include <memory>

#include "daemon/codec/event_decoder.h"
#include "daemon/codec/event_validation.h"
#include "daemon/tools/record_io.h"

namespace riskd::tools {
namespace {

// A replay of history has no "now": nothing is in the future.
constexpr scoring::EpochMicros kNoFuture = std::numeric_limits<scoring::EpochMicros>::max() / 2;

// Binary records take a fast path: parse into one reused message, run the
// codec's event checks (ValidateEvent) and the scoring conversion, which
// refuses every undefined enum value it reads; the two optional enums it
// does not read are checked here. A record that passes all of that is one
// DecodeEvent accepts too, at a third of the cost (DecodeEvent walks every
// field by reflection for undefined enums). Any record that fails a step is
// decoded again by DecodeEvent, whose verdict and reason are what count, so
// rejections are exactly the daemon's.
//
// Each record is parsed into a fresh message on an arena that is reset per
// record: protobuf's Clear() of a heap message deletes its sub-messages
// (context, payload) and so reallocates them for every record; on the arena
// they are bump allocations in one reused block.
class FastBinaryPath {
 public:
  FastBinaryPath() : block_(new char[kBlockBytes]), arena_(ArenaOptions(block_.get())) {}

  std::optional<scoring::Event> TryDecode(std::string_view record) {
    if (record.size() > codec::DecodeOptions{}.max_value_bytes) return std::nullopt;
    arena_.Reset();
    message_ = google::protobuf::Arena::CreateMessage<riskd::v1::AccountEvent>(&arena_);
    const riskd::v1::AccountEvent& m = *message_;
    if (!message_->ParseFromArray(record.data(), static_cast<int>(record.size()))) {
      return std::nullopt;
    }
    if (!codec::ValidateEvent(m, std::nullopt, kNoFuture, scoring::kDay).ok()) {
      return std::nullopt;
    }
    if (m.has_login() && !riskd::v1::Login::Method_IsValid(m.login().method())) {
      return std::nullopt;
    }
    if (m.has_account_change() &&
        !riskd::v1::AccountChange::Actor_IsValid(m.account_change().actor())) {
      return std::nullopt;
    }
    auto event = scoring::EventFromProto(m);
    if (!event.ok()) return std::nullopt;
    return std::move(*event);
  }
  // The account of the record TryDecode accepted last.
  const std::string& account() const { return message_->account_id(); }

 private:
  static constexpr std::size_t kBlockBytes = 64 << 10;  // far more than a record needs
  static google::protobuf::ArenaOptions ArenaOptions(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kBlockBytes;
    return options;
  }

  std::unique_ptr<char[]> block_;
  google::protobuf::Arena arena_;
  riskd::v1::AccountEvent* message_ = nullptr;  // on arena_, until its next Reset
};

}  // namespace

Status ReadEventFile(const std::string& path, StreamStats& stats,
                     const EventCallback& callback) {
  auto format = FormatForPath(path);
  if (!format.ok()) return format.error();
  auto reader = RecordReader::Open(path, *format);
  if (!reader.ok()) return reader.error();
  const bool binary = *format == RecordFormat::kDelimitedProto;
  const std::string_view content_type = binary ? "application/x-protobuf" : "application/json";
  FastBinaryPath fast;
  for (;;) {
    auto record = (*reader)->Next();
    if (!record.ok()) return record.error();
    if (!record->has_value()) break;
    ++stats.records;
    if (binary) {
      if (auto event = fast.TryDecode(**record)) {
        callback(fast.account(), *event);
        continue;
      }
    }
    codec::RawMessage message{**record, std::nullopt, content_type};
    auto proto = codec::DecodeEvent(message, kNoFuture);
    if (!proto.ok()) {
      ++stats.rejected[proto.error().code];
      continue;
    }
    auto event = scoring::EventFromProto(*proto);
    if (!event.ok()) {
      ++stats.rejected[event.error().code];
      continue;
    }
    callback(proto->account_id(), *event);
  }
  return OkStatus();
}

Result<ReplayResult> ReplayFile(
    const std::string& events_path,
    std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs,
    const std::vector<LabelRow>& labels, bool has_labels, ReplayOptions options) {
  Replayer replayer(std::move(configs), labels, has_labels, options);
  const auto started = std::chrono::steady_clock::now();
  Status status = ReadEventFile(events_path, replayer.stream(),
                                [&](std::string_view account, const scoring::Event& e) {
                                  replayer.Add(account, e);
                                });
  if (!status.ok()) return status.error();
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - started).count();
  ReplayResult result = replayer.Finish();
  result.stream.seconds = seconds;
  return result;
}

}  // namespace riskd::tools
