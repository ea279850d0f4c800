#include "daemon/http/auth.h"

#include <gtest/gtest.h>

namespace riskd::http {
namespace {

TEST(BearerTokenTest, TakesTheTokenOfOneBearerHeader) {
  EXPECT_EQ(BearerToken({"Bearer abc"}), "abc");
  EXPECT_EQ(BearerToken({"bearer abc"}), "abc");
  EXPECT_EQ(BearerToken({"BEARER   abc  "}), "abc");
}

TEST(BearerTokenTest, RefusesEverythingElse) {
  EXPECT_FALSE(BearerToken({}));
  EXPECT_FALSE(BearerToken({"Bearer a", "Bearer a"}));
  EXPECT_FALSE(BearerToken({"Basic YTpi"}));
  EXPECT_FALSE(BearerToken({"Bearer"}));
  EXPECT_FALSE(BearerToken({"Bearer "}));
  EXPECT_FALSE(BearerToken({"Bearer a b"}));
  EXPECT_FALSE(BearerToken({"Bearerabc"}));
}

}  // namespace
}  // namespace riskd::http
