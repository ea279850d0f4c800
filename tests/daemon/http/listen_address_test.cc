#include "daemon/http/listen_address.h"

#include <gtest/gtest.h>

namespace riskd::http {
namespace {

TEST(ListenAddressTest, ParsesHostAndPort) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_EQ(ParseListenAddress("localhost:9464")->host, "localhost");
}

TEST(ListenAddressTest, RejectsWhatIsNotHostColonPort) {
  for (const char* bad : {"", "8080", ":8080", "host:", "host:65536", "host:80x", "::1:80", "[]:80"}) {
    auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "listen");
  }
}

}  // namespace
}  // namespace riskd::http
