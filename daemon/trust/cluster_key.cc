#include "daemon/trust/cluster_key.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

namespace riskd::trust {
namespace {

constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kRandomSecretBytes = 32;

std::array<unsigned char, kMacBytes> Mac(const std::string& key, std::string_view message) {
  std::array<unsigned char, kMacBytes> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out.data(), &len);
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

Result<ClusterKey> ClusterKey::FromSecret(std::string secret, std::vector<std::string> previous) {
  auto too_short = [](const std::string& s) {
    return Error{"invalid_config", "is " + std::to_string(s.size()) + " bytes long; at least " +
                                       std::to_string(kMinSecretBytes) + " are required"};
  };
  if (secret.size() < kMinSecretBytes) return too_short(secret);
  for (const std::string& p : previous) {
    if (p.size() < kMinSecretBytes) return too_short(p);
  }
  return ClusterKey(std::move(secret), std::move(previous));
}

Result<ClusterKey> ClusterKey::Random() {
  std::string secret(kRandomSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1) {
    return Error{"internal", "cannot generate a random cluster secret"};
  }
  return ClusterKey(std::move(secret));
}

std::string ClusterKey::MacHex(std::string_view message) const {
  const auto mac = Mac(secret_, message);
  return Hex({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

bool ClusterKey::Verify(std::string_view message, std::string_view mac_hex) const {
  if (mac_hex.size() != 2 * kMacBytes) return false;
  std::array<unsigned char, kMacBytes> given{};
  for (std::size_t i = 0; i < kMacBytes; ++i) {
    const int hi = HexDigit(mac_hex[2 * i]);
    const int lo = HexDigit(mac_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  bool ok = CRYPTO_memcmp(given.data(), Mac(secret_, message).data(), kMacBytes) == 0;
  for (const std::string& previous : previous_) {
    ok = (CRYPTO_memcmp(given.data(), Mac(previous, message).data(), kMacBytes) == 0) || ok;
  }
  return ok;
}

Canonical& Canonical::Add(std::string_view field) {
  out_ += '\x01';
  const uint64_t n = field.size();
  for (int shift = 56; shift >= 0; shift -= 8) out_ += static_cast<char>((n >> shift) & 0xff);
  out_.append(field);
  return *this;
}

Canonical& Canonical::AddAbsent() {
  out_ += '\x00';
  return *this;
}

}  // namespace riskd::trust
