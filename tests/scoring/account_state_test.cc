// AccountState's bytes: round trip, version, and garbage that must be
// rejected without crashing.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string_view>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

// Bytes from lower-case hex.
std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// A state that exercises every part of the format.
AccountState RichState() {
  Account a;
  a.Routine(kT0, 20, Ctx{"home", "2001:db8:1:2::7", 64500, {{48.85, 2.35}}});
  a.Apply(Reset("reset", kT0, ResetChannel::kEmail, ResetStage::kRequested,
                Stranger()));
  a.Apply(Login("stranger", kT0 + kHour, true,
                Ctx{"x", "203.0.113.1", 1, {{-33.9, 151.2}}}));
  a.Apply(Change("mfa", kT0 + 2 * kHour, ChangeField::kMfa,
                 ChangeOperation::kAdded));
  for (int i = 0; i < 3; ++i) {
    a.Apply(Verify("fail" + std::to_string(i), kT0 + 3 * kHour + i,
                   Factor::kSupportPin, false));
  }
  a.Apply(Verify("ok", kT0 + 4 * kHour, Factor::kIdDocument, true));
  a.Apply(LabelEvent("label", kT0 + 5 * kHour, Label::kCompromised, "ATO"));
  a.Apply(Request("q", kT0 + 5 * kHour + 1, Action::kSendCredentials,
                  Destination::kNewEmail, false, Stranger()));
  return a.state();
}

TEST(AccountStateFormat, RoundTripsExactly) {
  const AccountState state = RichState();
  ASSERT_FALSE(state.pending.empty());
  ASSERT_FALSE(state.sealed.labels.empty() && state.pending.empty());
  const std::string bytes = state.Serialize();
  auto parsed = AccountState::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(*parsed == state);
  EXPECT_EQ(parsed->Serialize(), bytes);
}

TEST(AccountStateFormat, EmptyStateRoundTrips) {
  const AccountState empty;
  auto parsed = AccountState::Parse(empty.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->known());
  EXPECT_TRUE(*parsed == empty);
}

TEST(AccountStateFormat, StartsWithMagicAndVersion) {
  const std::string bytes = AccountState().Serialize();
  EXPECT_EQ(bytes.substr(0, 3), "RKS");
  EXPECT_EQ(static_cast<int>(bytes[3]), AccountState::kFormatVersion);
}

TEST(AccountStateFormat, UnknownVersionIsRefusedByName) {
  std::string bytes = RichState().Serialize();
  bytes[3] = static_cast<char>(AccountState::kFormatVersion + 1);
  auto parsed = AccountState::Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "unsupported_state_version");
}

TEST(AccountStateFormat, EveryTruncationIsRejected) {
  const std::string bytes = RichState().Serialize();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto parsed = AccountState::Parse(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(parsed.ok()) << "prefix of " << n << " bytes";
  }
}

TEST(AccountStateFormat, TrailingBytesAreRejected) {
  auto parsed = AccountState::Parse(RichState().Serialize() + "x");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "malformed_state");
}

TEST(AccountStateFormat, GarbageNeverCrashes) {
  std::mt19937_64 rng(7);
  const std::string good = RichState().Serialize();
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes;
    if (i % 2 == 0) {
      // Random bytes behind a valid header.
      bytes = "RKS";
      bytes.push_back(static_cast<char>(AccountState::kFormatVersion));
      const std::size_t n = rng() % 200;
      for (std::size_t j = 0; j < n; ++j) bytes.push_back(static_cast<char>(rng()));
    } else {
      // A valid state with a few bytes flipped.
      bytes = good;
      for (int j = 0; j < 3; ++j) {
        bytes[4 + rng() % (bytes.size() - 4)] = static_cast<char>(rng());
      }
    }
    auto parsed = AccountState::Parse(bytes);
    if (parsed.ok()) {
      ++accepted;
      // Whatever parses must be usable: serialize, score, apply.
      Engine engine(std::make_shared<const ScoringConfig>());
      (void)engine.Risk(*parsed, kT0);
      (void)engine.Apply(*parsed, Login("next", kT0 + kDay, true, Home()));
      (void)parsed->Serialize();
    }
  }
  // Flipped bytes inside strings and doubles can still parse; pure noise
  // essentially never does.
  EXPECT_LT(accepted, 1500);
}

TEST(AccountStateFormat, HostileStreamStaysBounded) {
  Account a;
  std::size_t largest = 0;
  for (int i = 0; i < 600; ++i) {
    // A flood: ten events a second, every kind, long ids, fresh contexts.
    const EpochMicros t = kT0 + i * 100 * 1000;
    const std::string id(100, static_cast<char>('a' + i % 26));
    const Ctx ctx{"device-" + std::to_string(i),
                  "10.0." + std::to_string(i % 250) + ".1",
                  static_cast<std::uint32_t>(i), {}};
    switch (i % 4) {
      case 0: a.Apply(Login(id + std::to_string(i), t, true, ctx)); break;
      case 1: a.Apply(Login(id + std::to_string(i), t, false, ctx)); break;
      case 2: a.Apply(Verify(id + std::to_string(i), t, Factor::kTotp, false)); break;
      default:
        a.Apply(LabelEvent(id + std::to_string(i), t, Label::kCompromised,
                           std::string(5000, 'n')));
    }
    if (i % 50 == 49) largest = std::max(largest, a.state().Serialize().size());
  }
  const AccountState& s = a.state();
  EXPECT_EQ(s.pending.size(), 256u);
  for (const auto& values : s.sealed.familiar) EXPECT_LE(values.size(), 32u);
  EXPECT_EQ(s.sealed.labels.size(), kMaxLabels);
  EXPECT_LE(s.sealed.failed_logins.size(), 10u);
  EXPECT_LE(s.sealed.failed_verifications.size(), 3u);
  // 256 pending events dominate: ~100-byte ids, contexts, notes cut to 1 KiB.
  EXPECT_LT(largest, 256u * 1400u);
  EXPECT_TRUE(AccountState::Parse(s.Serialize()).ok());
}

// Found by tests/fuzz/account_state_fuzz: a pending event whose latitude
// bytes are a NaN parsed, and the parsed state then differed from itself
// (NaN != NaN) and would have fed NaN into impossible_travel. Non-finite
// doubles and impossible coordinates are malformed now.
TEST(AccountStateFormat, NonFiniteOrImpossibleDoublesAreRejected) {
  const std::string reproducer = FromHex(
      "524b530180a0eedde7d4b006000000018090d1ecccd4b0060772657365742d31000000000000"
      "000000000000000000000000000000000000000000000000400000000000000000ffffffff00"
      "ffffffffff01ffffffffffffffffff01ffffffffffffffffff01ffffffffffffffffff01ffff"
      "ffffffffffffff01ffffffffffffffffff01ffffffffffffffffff01000203652d328084d29c"
      "e7d4b0060003642d310e3230332e302e3131332e302f3234f4f7030000000000000000000000"
      "0000000000000000000000000000000000000003652d3280a0eed5e7d4b0060003642d320e32"
      "30332e302e3131332e302f3234f4f703000000f6ffffffffffffff0000000000000000000000"
      "00000000000000000234120000000000009cd4b080e7d28406efcdab000000000080a0eed5e7"
      "d4b006");
  auto parsed = AccountState::Parse(reproducer);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "malformed_state");

  auto rejects = [](AccountState s) {
    auto r = AccountState::Parse(s.Serialize());
    return !r.ok() && r.error().code == "malformed_state";
  };
  const AccountState rich = RichState();
  ASSERT_TRUE(rich.sealed.last_located_login.has_value());
  ASSERT_FALSE(rich.pending.empty());
  AccountState s = rich;
  s.pending.front().latitude = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(rejects(s));
  s = rich;
  s.pending.front().longitude = 180.5;
  EXPECT_TRUE(rejects(s));
  s = rich;
  s.sealed.last_located_login->latitude = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(rejects(s));
  s = rich;
  for (auto& f : s.sealed.firings) {
    if (f) f->points = -std::numeric_limits<double>::infinity();
  }
  EXPECT_TRUE(rejects(s));
  EXPECT_FALSE(rejects(rich));
}

TEST(AccountStateFormat, OverlongTextsAreCutSoTheStateStillParses) {
  Account a;
  const std::string long_id(300, 'i');
  a.Apply(LabelEvent(long_id, kT0, Label::kCompromised, std::string(5000, 'n')));
  a.Apply(Login("l", kT0, true, Ctx{std::string(5000, 'd'), "", 0, {}}));
  ASSERT_EQ(a.state().pending.size(), 2u);
  auto parsed = AccountState::Parse(a.state().Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->pending[0].note.size(), kMaxNoteBytes);
  // Dedupe still recognises the full id.
  EXPECT_EQ(a.Apply(LabelEvent(long_id, kT0, Label::kCompromised, "")).outcome,
            ApplyOutcome::kDuplicate);
}

}  // namespace
}  // namespace riskd::scoring::test
