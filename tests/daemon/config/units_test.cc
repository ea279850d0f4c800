#include "daemon/config/units.h"

#include <gtest/gtest.h>

namespace riskd::config {
namespace {

TEST(UnitsTest, ParsesEveryDurationUnit) {
  EXPECT_EQ(*ParseDuration("500ms"), 500 * 1000);
  EXPECT_EQ(*ParseDuration("90s"), 90 * scoring::kSecond);
  EXPECT_EQ(*ParseDuration("10m"), 10 * scoring::kMinute);
  EXPECT_EQ(*ParseDuration("72h"), 72 * scoring::kHour);
  EXPECT_EQ(*ParseDuration("30d"), 30 * scoring::kDay);
  EXPECT_EQ(*ParseDuration("250us"), 250);
  EXPECT_EQ(*ParseDuration("0"), 0);
}

TEST(UnitsTest, RejectsMalformedDurations) {
  for (const char* bad : {"", "10", "h", "1.5h", "-1s", "+1s", "10 m", "10M", "1w", "10mss",
                          "99999999999999999999d", "9999999999999d"}) {
    auto r = ParseDuration(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "duration");
    }
  }
}

TEST(UnitsTest, ParsesByteSizes) {
  EXPECT_EQ(*ParseByteSize("65536"), 65536);
  EXPECT_EQ(*ParseByteSize("16KiB"), 16 * 1024);
  EXPECT_EQ(*ParseByteSize("64MiB"), 64 << 20);
  EXPECT_EQ(*ParseByteSize("2GiB"), std::int64_t{2} << 30);
  for (const char* bad : {"", "1MB", "1 MiB", "-1", "1.5MiB", "99999999999GiB"}) {
    EXPECT_FALSE(ParseByteSize(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace riskd::config
