// The signed identity of a forwarded request: it verifies at the instance
// it was signed for, within the freshness window, for that very method,
// target and body; anything else is "unauthenticated".
#include "daemon/trust/request_signer.h"

#include <gtest/gtest.h>

namespace riskd::trust {
namespace {

constexpr int64_t kNow = 1'764'000'000'000'000;

ClusterKey Key(std::string secret = "0123456789abcdef-test-secret") { return std::move(*ClusterKey::FromSecret(secret)); }

ForwardedRequest Request() {
  return ForwardedRequest{"riskd-0", "riskd-1", "support-console", "support", std::to_string(kNow),
                          "POST", "/v1/accounts/acct-1/evaluate", R"({"action":"OTHER"})"};
}

TEST(RequestSignerTest, VerifiesAtTheInstanceItWasSignedFor) {
  const ClusterKey key = Key();
  const std::string sig = SignForwarded(key, Request());
  EXPECT_TRUE(VerifyForwarded(key, Request(), sig, kNow).ok());
  EXPECT_TRUE(VerifyForwarded(key, Request(), sig, kNow + kForwardFreshnessMicros).ok());
  auto elsewhere = Request();
  elsewhere.to_instance = "riskd-2";
  EXPECT_FALSE(VerifyForwarded(key, elsewhere, sig, kNow).ok());
}

TEST(RequestSignerTest, EveryFieldIsCovered) {
  const ClusterKey key = Key();
  const std::string sig = SignForwarded(key, Request());
  auto check = [&](auto change) {
    ForwardedRequest r = Request();
    change(r);
    return VerifyForwarded(key, r, sig, kNow).ok();
  };
  EXPECT_FALSE(check([](ForwardedRequest& r) { r.from_instance = "riskd-9"; }));
  EXPECT_FALSE(check([](ForwardedRequest& r) { r.caller = "admin-1"; }));
  EXPECT_FALSE(check([](ForwardedRequest& r) { r.role = "admin"; }));
  EXPECT_FALSE(check([](ForwardedRequest& r) { r.method = "GET"; }));
  EXPECT_FALSE(check([](ForwardedRequest& r) { r.target = "/v1/accounts/acct-2/evaluate"; }));
  EXPECT_FALSE(check([](ForwardedRequest& r) { r.body = R"({"action":"SEND_CREDENTIALS"})"; }));
}

TEST(RequestSignerTest, StaleFutureUnsignedOrForeignIsRefused) {
  const ClusterKey key = Key();
  const std::string sig = SignForwarded(key, Request());
  EXPECT_FALSE(VerifyForwarded(key, Request(), sig, kNow + kForwardFreshnessMicros + 1).ok());
  EXPECT_FALSE(VerifyForwarded(key, Request(), sig, kNow - kForwardFreshnessMicros - 1).ok());
  EXPECT_FALSE(VerifyForwarded(key, Request(), "", kNow).ok());
  EXPECT_FALSE(VerifyForwarded(key, Request(), SignForwarded(Key("some-other-secret-0000"), Request()), kNow).ok());
  auto missing = Request();
  missing.caller.clear();
  EXPECT_FALSE(VerifyForwarded(key, missing, SignForwarded(key, missing), kNow).ok());
  auto bad_time = Request();
  bad_time.at = "soon";
  EXPECT_FALSE(VerifyForwarded(key, bad_time, SignForwarded(key, bad_time), kNow).ok());
}

TEST(RequestSignerTest, HeaderSafeNames) {
  EXPECT_TRUE(IsHeaderSafe("support console"));
  EXPECT_FALSE(IsHeaderSafe(""));
  EXPECT_FALSE(IsHeaderSafe("evil\r\nX-Injected: 1"));
  EXPECT_FALSE(IsHeaderSafe(" padded"));
  EXPECT_FALSE(IsHeaderSafe("caf\xc3\xa9"));
}

}  // namespace
}  // namespace riskd::trust
