// The cluster secret (cluster.secret / cluster.secret_file): the HMAC-SHA256
// key every instance of one group shares. Whatever is signed with it
// (record_signer.h, request_signer.h) can only have been written by an
// instance holding it; anything that can merely write to Kafka or reach a
// port cannot forge it.
//
// The secret never leaves this object: no accessor, no printing. Copies are
// cheap to share through std::shared_ptr<const ClusterKey>.
//
// Thread-safe (immutable after construction).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/result.h"

namespace riskd::trust {

// Shorter secrets are refused: a guessable key would let anyone sign.
inline constexpr std::size_t kMinSecretBytes = 16;

class ClusterKey {
 public:
  // Error "invalid_config" when `secret` (or a previous one) is shorter
  // than kMinSecretBytes. `previous`: secrets that still verify but never
  // sign (a rotation: records signed before it stay readable).
  static Result<ClusterKey> FromSecret(std::string secret, std::vector<std::string> previous = {});
  // 32 random bytes (OpenSSL RAND_bytes): the key of an instance that runs
  // the embedded Kafka cluster alone, where nobody else must sign.
  static Result<ClusterKey> Random();

  // Lowercase hex HMAC-SHA256 of `message` (64 characters).
  std::string MacHex(std::string_view message) const;
  // Whether `mac_hex` is the MAC of `message` under the secret or a
  // previous one; constant time in the MAC's bytes.
  bool Verify(std::string_view message, std::string_view mac_hex) const;

 private:
  explicit ClusterKey(std::string secret, std::vector<std::string> previous = {})
      : secret_(std::move(secret)), previous_(std::move(previous)) {}
  std::string secret_;
  std::vector<std::string> previous_;
};

// Lowercase hex of `bytes`.
std::string Hex(std::string_view bytes);

// The canonical form of a list of fields for a MAC: each as a presence
// byte (0: absent, 1: present) and, when present, an 8-byte big-endian
// length and its bytes; so no two different lists encode alike (a field
// cannot shift into its neighbour, an absent field differs from an empty
// one).
class Canonical {
 public:
  Canonical& Add(std::string_view field);
  Canonical& AddAbsent();
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

}  // namespace riskd::trust
