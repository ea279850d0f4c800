#include <gtest/gtest.h>

#include "daemon/config/tokens.h"

namespace riskd::config {
namespace {

TokenTable Table() {
  return {
      {"console", Role::kSupport, Sha256Hex("support-secret")},
      {"fraud", Role::kAnalyst, Sha256Hex("analyst-secret")},
      {"ops", Role::kAdmin, Sha256Hex("admin-secret")},
  };
}

TEST(AuthTest, Sha256HexMatchesSha256sum) {
  // printf %s abc | sha256sum
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthTest, FindsThePrincipalOfEachToken) {
  const TokenTable table = Table();
  auto support = Authenticate(table, "support-secret");
  ASSERT_TRUE(support);
  EXPECT_EQ(support->name, "console");
  EXPECT_EQ(support->role, Role::kSupport);
  auto analyst = Authenticate(table, "analyst-secret");
  ASSERT_TRUE(analyst);
  EXPECT_EQ(analyst->name, "fraud");
  EXPECT_EQ(analyst->role, Role::kAnalyst);
  auto admin = Authenticate(table, "admin-secret");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->name, "ops");
  EXPECT_EQ(admin->role, Role::kAdmin);
}

TEST(AuthTest, RejectsWrongMissingAndNearMissTokens) {
  const TokenTable table = Table();
  EXPECT_FALSE(Authenticate(table, ""));
  EXPECT_FALSE(Authenticate(table, "support-secreT"));
  EXPECT_FALSE(Authenticate(table, "support-secret "));
  EXPECT_FALSE(Authenticate(table, "support"));
  // The digest itself is not a token.
  EXPECT_FALSE(Authenticate(table, Sha256Hex("support-secret")));
  EXPECT_FALSE(Authenticate(TokenTable{}, "support-secret"));
}

TEST(AuthTest, IgnoresMalformedStoredDigests) {
  TokenTable table = {{"short", Role::kAdmin, "abc"},
                      {"upper", Role::kAdmin, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"}};
  EXPECT_FALSE(Authenticate(table, "abc"));
}

TEST(AuthTest, OrdersRoles) {
  EXPECT_TRUE(RoleAtLeast(Role::kAdmin, Role::kAnalyst));
  EXPECT_TRUE(RoleAtLeast(Role::kAnalyst, Role::kSupport));
  EXPECT_TRUE(RoleAtLeast(Role::kSupport, Role::kSupport));
  EXPECT_FALSE(RoleAtLeast(Role::kSupport, Role::kAnalyst));
  EXPECT_FALSE(RoleAtLeast(Role::kAnalyst, Role::kAdmin));
  for (Role r : {Role::kSupport, Role::kAnalyst, Role::kAdmin}) {
    EXPECT_EQ(RoleFromName(RoleName(r)), r);
  }
  EXPECT_FALSE(RoleFromName("Admin"));
  EXPECT_FALSE(RoleFromName("root"));
}

}  // namespace
}  // namespace riskd::config
