// The connection caps of one listener: how many connections are open at
// once, in total and per client. A client is what ClientKey (server.cc)
// makes of the peer address: an IPv4 address, or an IPv6 /64 (one host
// usually holds a whole /64, so counting single v6 addresses would cap
// nothing). Beast-free, so the counting is unit-tested on its own.
//
// Thread-safe: the acceptor admits, sessions on any thread release.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

namespace riskd::http::internal {

class ConnectionLimits {
 public:
  // `max_total` and `max_per_client` are at least 1 (smaller counts as 1).
  ConnectionLimits(int max_total, int max_per_client);

  enum class Admit {
    kYes,               // counted; Release(client) when it closes
    kTooMany,           // max_total open already
    kTooManyFromClient  // max_per_client open from `client` already
  };
  // Counts one more connection of `client` unless a cap is reached; a
  // refused connection is not counted (it takes no slot).
  Admit TryAdmit(const std::string& client);
  // The connection of an earlier kYes closed.
  void Release(const std::string& client);

  int total() const;
  int of(const std::string& client) const;

 private:
  const int max_total_;
  const int max_per_client_;
  mutable std::mutex mu_;
  int total_ = 0;                                   // guarded by mu_
  std::unordered_map<std::string, int> per_client_;  // guarded by mu_; no zero entries
};

}  // namespace riskd::http::internal
