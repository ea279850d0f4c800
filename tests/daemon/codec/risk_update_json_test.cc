// The hand-written RiskUpdate JSON must be exactly protobuf's: compare the
// two on many random updates (numbers from decay, every timestamp precision,
// all enum values, strings that take the fast path and ones that do not).
#include "daemon/codec/risk_update_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "daemon/codec/json.h"

namespace riskd::codec {
namespace {

std::string RandomString(std::mt19937_64& rng, bool plain_only) {
  static const std::string kPlain =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/ ,;()[]{}#@!?*+%$^~|`";
  static const std::string kOdd[] = {"\"", "\\", "<", ">", "&", "'", "=", "\n", "\t", "\x01", "é", "\xe2\x80\xa8",
                                     "日本"};
  std::string s;
  const int n = static_cast<int>(rng() % 40);
  for (int i = 0; i < n; ++i) {
    if (!plain_only && rng() % 20 == 0) {
      s += kOdd[rng() % std::size(kOdd)];
    } else {
      s += kPlain[rng() % kPlain.size()];
    }
  }
  return s;
}

double RandomDouble(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return static_cast<double>(rng() % 101);                          // whole points
    case 1: return 60.0 * std::exp2(-static_cast<double>(rng() % 100000) / 997.0);  // decayed
    case 2: return std::ldexp(static_cast<double>(rng() % 1000000), -static_cast<int>(rng() % 80));  // tiny
    case 3: return -static_cast<double>(rng() % 1000) / 7.0;
    case 4: return 1e21 * static_cast<double>(rng() % 1000);
    default: return std::bit_cast<double>(rng() & 0x7fefffffffffffffull);     // any finite positive
  }
}

void RandomTimestamp(std::mt19937_64& rng, google::protobuf::Timestamp* t) {
  t->set_seconds(static_cast<int64_t>(rng() % 4'000'000'000ull) - 100'000'000);
  switch (rng() % 4) {
    case 0: t->set_nanos(0); break;
    case 1: t->set_nanos(static_cast<int32_t>(rng() % 1000) * 1'000'000); break;
    case 2: t->set_nanos(static_cast<int32_t>(rng() % 1'000'000) * 1000); break;
    default: t->set_nanos(static_cast<int32_t>(rng() % 1'000'000'000));
  }
}

v1::RiskUpdate RandomUpdate(std::mt19937_64& rng, bool plain_only) {
  v1::RiskUpdate u;
  u.set_account_id(RandomString(rng, plain_only));
  u.set_trigger_event_id(RandomString(rng, plain_only));
  u.set_score(RandomDouble(rng));
  u.set_level(static_cast<v1::Level>(rng() % 5));
  u.set_previous_level(static_cast<v1::Level>(rng() % 5));
  const int reasons = static_cast<int>(rng() % 5);
  for (int i = 0; i < reasons; ++i) {
    auto* r = u.add_reasons();
    r->set_rule(RandomString(rng, plain_only));
    r->set_points(RandomDouble(rng));
    if (rng() % 8 != 0) RandomTimestamp(rng, r->mutable_fired_at());
    const int ids = static_cast<int>(rng() % 4);
    for (int k = 0; k < ids; ++k) r->add_event_ids(RandomString(rng, plain_only));
    r->set_detail(RandomString(rng, plain_only));
  }
  const int factors = static_cast<int>(rng() % 4);
  for (int i = 0; i < factors; ++i) u.add_tainted_factors(static_cast<v1::Factor>(rng() % 8));
  if (rng() % 8 != 0) RandomTimestamp(rng, u.mutable_occurred_at());
  u.set_config_version(RandomString(rng, plain_only));
  return u;
}

TEST(RiskUpdateJsonTest, SameBytesAsProtobufOnRandomUpdates) {
  std::mt19937_64 rng(8);
  int direct = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto u = RandomUpdate(rng, /*plain_only=*/i % 2 == 0);
    ASSERT_EQ(RiskUpdateToJson(u), ToJson(u)) << u.DebugString();
    std::string out;
    if (RiskUpdateToJsonDirect(u, &out)) ++direct;
    if (i % 2 == 0) {
      EXPECT_TRUE(RiskUpdateToJsonDirect(u, &out)) << u.DebugString();
    }
  }
  // Half the updates are plain: the direct writer really wrote those.
  EXPECT_GE(direct, 10000);
}

TEST(RiskUpdateJsonTest, EmptyUpdate) {
  v1::RiskUpdate u;
  EXPECT_EQ(RiskUpdateToJson(u), ToJson(u));
}

TEST(RiskUpdateJsonTest, NonFiniteAndOutOfRangeTakeTheGeneralPath) {
  v1::RiskUpdate u;
  u.set_score(NAN);
  EXPECT_EQ(RiskUpdateToJson(u), ToJson(u));
  u.set_score(INFINITY);
  EXPECT_EQ(RiskUpdateToJson(u), ToJson(u));
  u.set_score(1);
  u.mutable_occurred_at()->set_seconds(253402300800);  // year 10000
  EXPECT_EQ(RiskUpdateToJson(u), ToJson(u));
  u.mutable_occurred_at()->set_seconds(1);
  u.set_level(static_cast<v1::Level>(42));  // not a defined value
  EXPECT_EQ(RiskUpdateToJson(u), ToJson(u));
}

}  // namespace
}  // namespace riskd::codec
