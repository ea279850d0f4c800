#include "daemon/tools/event_file.h"

#include <chrono>
#include <limits>

#include "daemon/codec/event_decoder.h"
#include "daemon/tools/record_io.h"

namespace riskd::tools {

Status ReadEventFile(const std::string& path, StreamStats& stats,
                     const EventCallback& callback) {
  auto format = FormatForPath(path);
  if (!format.ok()) return format.error();
  auto reader = RecordReader::Open(path, *format);
  if (!reader.ok()) return reader.error();
  // A replay of history has no "now": nothing is in the future.
  constexpr scoring::EpochMicros kNoFuture = std::numeric_limits<scoring::EpochMicros>::max() / 2;
  const std::string_view content_type =
      *format == RecordFormat::kJsonLines ? "application/json" : "application/x-protobuf";
  for (;;) {
    auto record = (*reader)->Next();
    if (!record.ok()) return record.error();
    if (!record->has_value()) break;
    ++stats.records;
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
