// The signature of membership and changelog records: what it covers (topic
// kind, partition, key, value, null vs empty, the epoch header, present or
// not), what it refuses (no signature, another secret, two signatures or
// epochs), and the secret's own rules.
#include "daemon/trust/record_signer.h"

#include <gtest/gtest.h>

namespace riskd::trust {
namespace {

ClusterKey Key(std::string secret = "0123456789abcdef-test-secret") {
  auto key = ClusterKey::FromSecret(std::move(secret));
  EXPECT_TRUE(key.ok());
  return std::move(*key);
}

RecordFields Changelog(std::string_view key, std::optional<std::string_view> value, int32_t partition = 3) {
  return RecordFields{RecordTopic::kChangelog, partition, key, value};
}

TEST(ClusterKeyTest, ShortSecretsAreRefused) {
  EXPECT_FALSE(ClusterKey::FromSecret("fifteen-bytes!!").ok());
  EXPECT_TRUE(ClusterKey::FromSecret("sixteen-bytes!!!").ok());
  auto a = ClusterKey::Random();
  auto b = ClusterKey::Random();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->MacHex("x"), b->MacHex("x"));
}

TEST(ClusterKeyTest, MacIsHmacSha256) {
  // RFC 4231 test case 2 ("Jefe" is too short for riskd, so: case 1 style
  // with a 20-byte key of 0x0b).
  auto key = ClusterKey::FromSecret(std::string(20, '\x0b'));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->MacHex("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_TRUE(key->Verify("Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
  EXPECT_TRUE(key->Verify("Hi There", "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7"));
  EXPECT_FALSE(key->Verify("Hi There", "b0344c61"));
  EXPECT_FALSE(key->Verify("Hi there", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
}

TEST(RecordSignerTest, ASignedRecordVerifies) {
  const ClusterKey key = Key();
  std::vector<Header> headers = {{"riskd-writer", "w1"}};
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", "state"), &headers));
  EXPECT_TRUE(VerifyRecord(key, Changelog("acct-1", "state"), headers));
  // Signing again replaces the signature rather than adding a second.
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", "state"), &headers));
  EXPECT_TRUE(VerifyRecord(key, Changelog("acct-1", "state"), headers));
}

TEST(RecordSignerTest, APreviousSecretStillVerifiesButNeverSigns) {
  std::vector<Header> old_headers;
  ASSERT_TRUE(SignRecord(Key("the-old-cluster-secret"), Changelog("acct-1", "state"), &old_headers));
  auto rotated = ClusterKey::FromSecret("the-new-cluster-secret", {"the-old-cluster-secret"});
  ASSERT_TRUE(rotated.ok());
  EXPECT_TRUE(VerifyRecord(*rotated, Changelog("acct-1", "state"), old_headers));
  std::vector<Header> new_headers;
  ASSERT_TRUE(SignRecord(*rotated, Changelog("acct-1", "state"), &new_headers));
  EXPECT_TRUE(VerifyRecord(Key("the-new-cluster-secret"), Changelog("acct-1", "state"), new_headers));
  EXPECT_FALSE(VerifyRecord(Key("the-old-cluster-secret"), Changelog("acct-1", "state"), new_headers));
  EXPECT_FALSE(ClusterKey::FromSecret("the-new-cluster-secret", {"short"}).ok());
}

TEST(RecordSignerTest, UnsignedOrOtherSecretIsRefused) {
  EXPECT_FALSE(VerifyRecord(Key(), Changelog("acct-1", "state"), {}));
  std::vector<Header> headers;
  ASSERT_TRUE(SignRecord(Key("another-secret-of-16+bytes"), Changelog("acct-1", "state"), &headers));
  EXPECT_FALSE(VerifyRecord(Key(), Changelog("acct-1", "state"), headers));
  EXPECT_FALSE(VerifyRecord(Key(), Changelog("acct-1", "state"), {{"riskd-sig", "not hex at all"}}));
}

TEST(RecordSignerTest, EveryFieldIsCovered) {
  const ClusterKey key = Key();
  std::vector<Header> headers;
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", "state"), &headers));
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-2", "state"), headers));
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "STATE"), headers));
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state", 4), headers));  // another partition
  EXPECT_FALSE(VerifyRecord(key, RecordFields{RecordTopic::kMembership, 3, "acct-1", "state"}, headers));
  // Fields cannot shift into each other: key "ab" + value "c" is not key "a" + value "bc".
  std::vector<Header> shifted;
  ASSERT_TRUE(SignRecord(key, Changelog("ab", "c"), &shifted));
  EXPECT_FALSE(VerifyRecord(key, Changelog("a", "bc"), shifted));
}

TEST(RecordSignerTest, ANullValueIsNotAnEmptyOne) {
  const ClusterKey key = Key();
  std::vector<Header> tombstone;
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", std::nullopt), &tombstone));
  EXPECT_TRUE(VerifyRecord(key, Changelog("acct-1", std::nullopt), tombstone));
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", ""), tombstone));
  std::vector<Header> empty;
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", ""), &empty));
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", std::nullopt), empty));
}

TEST(RecordSignerTest, TheEpochHeaderIsCovered) {
  const ClusterKey key = Key();
  std::vector<Header> headers = {{std::string(kEpochHeader), "7"}};
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", "state"), &headers));
  EXPECT_TRUE(VerifyRecord(key, Changelog("acct-1", "state"), headers));
  // Changed, removed, emptied, or a second one added: refused.
  auto changed = headers;
  changed[0].second = "8";
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state"), changed));
  std::vector<Header> removed = {headers[1]};
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state"), removed));
  auto emptied = headers;
  emptied[0].second = "";
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state"), emptied));
  auto doubled = headers;
  doubled.emplace_back(std::string(kEpochHeader), "7");
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state"), doubled));
  // An epoch added to a record signed without one: refused.
  std::vector<Header> plain;
  ASSERT_TRUE(SignRecord(key, Changelog("acct-1", "state"), &plain));
  plain.emplace_back(std::string(kEpochHeader), "9");
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state"), plain));
  // Two signatures: refused, even if one is right.
  auto two = headers;
  two.emplace_back(std::string(kSignatureHeader), std::string(64, '0'));
  EXPECT_FALSE(VerifyRecord(key, Changelog("acct-1", "state"), two));
  // Two epochs cannot be signed either.
  std::vector<Header> ambiguous = {{std::string(kEpochHeader), "1"}, {std::string(kEpochHeader), "2"}};
  EXPECT_FALSE(SignRecord(key, Changelog("acct-1", "state"), &ambiguous));
}

}  // namespace
}  // namespace riskd::trust
