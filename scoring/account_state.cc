// AccountState's byte format, version 1:
//   "RKS" kFormatVersion newest_event_at Summary pending[] seen_ids[]
// Integers are varints (times zigzag), doubles their exact 8 bytes, strings
// length-prefixed, enums one byte. Parse checks every length, count, enum
// and ordering invariant, so garbage yields an Error, never a crash or a
// state that later code could trip on.
#include "scoring/account_state.h"

#include <algorithm>
#include <limits>

#include "scoring/internal/byte_io.h"

namespace riskd::scoring {
namespace {

using internal::ByteReader;
using internal::ByteWriter;

constexpr std::string_view kMagic = "RKS";
// Hard ceilings, above any valid config (see config_validate.cc); Engine
// cuts longer ids and texts before storing them (engine.cc).
constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxTextBytes = 4096;
constexpr std::size_t kMaxPending = 100'000;
constexpr std::size_t kMaxSeen = 1'000'000;
constexpr std::size_t kMaxFamiliar = 1024;
constexpr std::size_t kMaxMarks = 1000;
constexpr std::size_t kMaxEvidence = 1001;

// Doubles feed distances and scores: a stored NaN, infinity or impossible
// coordinate (never written by Engine; only corruption or forgery) would
// make answers non-reproducible (NaN != NaN) and slip past every threshold.
// Found by tests/fuzz/account_state_fuzz.
double ReadDouble(ByteReader& r, double min, double max) {
  const double v = r.Double();
  if (!(v >= min && v <= max)) r.Fail();
  return v;
}
double ReadLatitude(ByteReader& r) { return ReadDouble(r, -90.0, 90.0); }
double ReadLongitude(ByteReader& r) { return ReadDouble(r, -180.0, 180.0); }

void WriteMark(ByteWriter& w, const Mark& m) {
  w.I64(m.at);
  w.String(m.event_id);
}
Mark ReadMark(ByteReader& r) {
  Mark m;
  m.at = r.Time();
  m.event_id = r.String(kMaxIdBytes);
  return m;
}

void WriteMarks(ByteWriter& w, const std::vector<Mark>& marks) {
  w.Varint(marks.size());
  for (const Mark& m : marks) WriteMark(w, m);
}
std::vector<Mark> ReadMarks(ByteReader& r) {
  std::vector<Mark> marks(r.Count(kMaxMarks));
  for (Mark& m : marks) m = ReadMark(r);
  return marks;
}

void WriteInterval(ByteWriter& w, const Interval& i) {
  w.I64(i.from);
  w.I64(i.until);
}
Interval ReadInterval(ByteReader& r) {
  Interval i;
  i.from = r.Time();
  i.until = r.Time();
  return i;
}

void WriteEvent(ByteWriter& w, const Event& e) {
  w.String(e.id);
  w.I64(e.occurred_at);
  w.U8(static_cast<std::uint8_t>(e.kind));
  w.String(e.device_id);
  w.String(e.network);
  w.Varint(e.asn);
  w.Bool(e.has_location);
  w.Double(e.latitude);
  w.Double(e.longitude);
  w.Bool(e.success);
  w.U8(static_cast<std::uint8_t>(e.reset_stage));
  w.U8(static_cast<std::uint8_t>(e.reset_channel));
  w.U8(static_cast<std::uint8_t>(e.support_channel));
  w.U8(static_cast<std::uint8_t>(e.action));
  w.Bool(e.deliver_to.has_value());
  w.U8(static_cast<std::uint8_t>(e.deliver_to.value_or(Destination{})));
  w.Bool(e.requester_authenticated);
  w.U8(static_cast<std::uint8_t>(e.factor));
  w.U8(static_cast<std::uint8_t>(e.change_field));
  w.U8(static_cast<std::uint8_t>(e.change_operation));
  w.U8(static_cast<std::uint8_t>(e.label));
  w.String(e.note);
}
Event ReadEvent(ByteReader& r) {
  Event e;
  e.id = r.String(kMaxIdBytes);
  e.occurred_at = r.Time();
  e.kind = r.Enum8<EventKind>(kEventKindCount);
  e.device_id = r.String(kMaxTextBytes);
  e.network = r.String(kMaxTextBytes);
  const std::uint64_t asn = r.Varint();
  if (asn > UINT32_MAX) r.Fail();
  e.asn = static_cast<std::uint32_t>(asn);
  e.has_location = r.Bool();
  e.latitude = ReadLatitude(r);
  e.longitude = ReadLongitude(r);
  e.success = r.Bool();
  e.reset_stage = r.Enum8<ResetStage>(2);
  e.reset_channel = r.Enum8<ResetChannel>(3);
  e.support_channel = r.Enum8<RequestChannel>(kRequestChannelCount);
  e.action = r.Enum8<Action>(kActionCount);
  const bool has_destination = r.Bool();
  const auto destination = r.Enum8<Destination>(kDestinationCount);
  if (has_destination) e.deliver_to = destination;
  e.requester_authenticated = r.Bool();
  e.factor = r.Enum8<Factor>(kFactorCount);
  e.change_field = r.Enum8<ChangeField>(7);
  e.change_operation = r.Enum8<ChangeOperation>(3);
  e.label = r.Enum8<Label>(kLabelCount);
  e.note = r.String(kMaxNoteBytes);
  return e;
}

void WriteSummary(ByteWriter& w, const Summary& s) {
  for (const auto& values : s.familiar) {
    w.Varint(values.size());
    for (const FamiliarValue& v : values) {
      w.Fixed64(v.key);
      w.I64(v.last_seen);
    }
  }
  w.Bool(s.email_reset.has_value());
  if (s.email_reset) WriteMark(w, *s.email_reset);
  w.Bool(s.email_reset_forgiven);
  WriteInterval(w, s.quarantine);
  WriteMarks(w, s.failed_verifications);
  WriteMarks(w, s.failed_logins);
  WriteMarks(w, s.reset_requests);
  w.Bool(s.last_located_login.has_value());
  if (const auto& l = s.last_located_login) {
    w.I64(l->at);
    w.Double(l->latitude);
    w.Double(l->longitude);
    w.String(l->event_id);
  }
  for (const auto& f : s.firings) {
    w.Bool(f.has_value());
    if (!f) continue;
    w.I64(f->fired_at);
    w.Double(f->points);
    w.Varint(f->event_ids.size());
    for (const std::string& id : f->event_ids) w.String(id);
    w.String(f->detail);
  }
  w.Varint(s.clearings.size());
  for (EpochMicros t : s.clearings) w.I64(t);
  for (const Interval& i : s.factor_taints) WriteInterval(w, i);
  for (const Interval& i : s.forbidden) WriteInterval(w, i);
  for (EpochMicros t : s.last_passed) w.I64(t);
  w.Varint(s.labels.size());
  for (const LabelRecord& l : s.labels) {
    w.I64(l.at);
    w.U8(static_cast<std::uint8_t>(l.label));
    w.String(l.event_id);
    w.String(l.note);
  }
}

Summary ReadSummary(ByteReader& r) {
  Summary s;
  for (auto& values : s.familiar) {
    values.resize(r.Count(kMaxFamiliar));
    for (FamiliarValue& v : values) {
      v.key = r.Fixed64();
      v.last_seen = r.Time();
    }
  }
  if (r.Bool()) s.email_reset = ReadMark(r);
  s.email_reset_forgiven = r.Bool();
  s.quarantine = ReadInterval(r);
  s.failed_verifications = ReadMarks(r);
  s.failed_logins = ReadMarks(r);
  s.reset_requests = ReadMarks(r);
  if (r.Bool()) {
    Located l;
    l.at = r.Time();
    l.latitude = ReadLatitude(r);
    l.longitude = ReadLongitude(r);
    l.event_id = r.String(kMaxIdBytes);
    s.last_located_login = std::move(l);
  }
  for (auto& f : s.firings) {
    if (!r.Bool()) continue;
    StoredFiring firing;
    firing.fired_at = r.Time();
    firing.points = ReadDouble(r, 0.0, std::numeric_limits<double>::max());
    firing.event_ids.resize(r.Count(kMaxEvidence));
    for (std::string& id : firing.event_ids) id = r.String(kMaxIdBytes);
    firing.detail = r.String(kMaxTextBytes);
    f = std::move(firing);
  }
  s.clearings.resize(r.Count(kMaxClearings));
  for (EpochMicros& t : s.clearings) t = r.Time();
  for (Interval& i : s.factor_taints) i = ReadInterval(r);
  for (Interval& i : s.forbidden) i = ReadInterval(r);
  for (EpochMicros& t : s.last_passed) t = r.TimeOrNever();
  s.labels.resize(r.Count(kMaxLabels));
  for (LabelRecord& l : s.labels) {
    l.at = r.Time();
    l.label = r.Enum8<Label>(kLabelCount);
    l.event_id = r.String(kMaxIdBytes);
    l.note = r.String(kMaxNoteBytes);
  }
  return s;
}

bool EventLess(const Event& a, const Event& b) {
  return a.occurred_at != b.occurred_at ? a.occurred_at < b.occurred_at
                                        : a.id < b.id;
}

Error Malformed(std::string message) {
  return Error{"malformed_state", std::move(message)};
}

}  // namespace

std::string AccountState::Serialize() const {
  ByteWriter w;
  for (char c : kMagic) w.U8(static_cast<std::uint8_t>(c));
  w.U8(kFormatVersion);
  w.I64(newest_event_at);
  WriteSummary(w, sealed);
  w.Varint(pending.size());
  for (const Event& e : pending) WriteEvent(w, e);
  w.Varint(seen_ids.size());
  for (const SeenId& s : seen_ids) {
    w.Fixed64(s.hash);
    w.I64(s.at);
  }
  return w.Take();
}

Result<AccountState> AccountState::Parse(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 1 || bytes.substr(0, 3) != kMagic) {
    return Malformed("not an account state");
  }
  const auto version = static_cast<std::uint8_t>(bytes[3]);
  if (version != kFormatVersion) {
    return Error{"unsupported_state_version",
                 "account state version " + std::to_string(version)};
  }
  ByteReader r(bytes.substr(4));
  AccountState state;
  state.newest_event_at = r.TimeOrNever();
  state.sealed = ReadSummary(r);
  state.pending.resize(r.Count(kMaxPending));
  for (Event& e : state.pending) e = ReadEvent(r);
  state.seen_ids.resize(r.Count(kMaxSeen));
  for (SeenId& s : state.seen_ids) {
    s.hash = r.Fixed64();
    s.at = r.Time();
  }
  if (!r.ok()) return Malformed("truncated or invalid field");
  if (!r.AtEnd()) return Malformed("trailing bytes");
  if (!std::is_sorted(state.pending.begin(), state.pending.end(), EventLess)) {
    return Malformed("pending events out of order");
  }
  if (!std::is_sorted(state.seen_ids.begin(), state.seen_ids.end(),
                      [](const SeenId& a, const SeenId& b) {
                        return a.hash < b.hash;
                      })) {
    return Malformed("seen ids out of order");
  }
  if (!std::is_sorted(state.sealed.clearings.begin(),
                      state.sealed.clearings.end())) {
    return Malformed("clearings out of order");
  }
  if (!std::is_sorted(state.sealed.labels.begin(), state.sealed.labels.end(),
                      [](const LabelRecord& a, const LabelRecord& b) {
                        return a.at < b.at;
                      })) {
    return Malformed("labels out of order");
  }
  return state;
}

bool AccountState::operator==(const AccountState& other) const {
  return newest_event_at == other.newest_event_at && sealed == other.sealed &&
         pending == other.pending && seen_ids == other.seen_ids;
}

}  // namespace riskd::scoring
