#include "daemon/http/connection_limits.h"

#include <algorithm>

namespace riskd::http::internal {

ConnectionLimits::ConnectionLimits(int max_total, int max_per_client)
    : max_total_(std::max(1, max_total)), max_per_client_(std::max(1, max_per_client)) {}

ConnectionLimits::Admit ConnectionLimits::TryAdmit(const std::string& client) {
  std::lock_guard lock(mu_);
  if (total_ >= max_total_) return Admit::kTooMany;
  auto it = per_client_.find(client);
  if (it != per_client_.end() && it->second >= max_per_client_) return Admit::kTooManyFromClient;
  ++total_;
  if (it == per_client_.end()) {
    per_client_.emplace(client, 1);
  } else {
    ++it->second;
  }
  return Admit::kYes;
}

void ConnectionLimits::Release(const std::string& client) {
  std::lock_guard lock(mu_);
  auto it = per_client_.find(client);
  if (it == per_client_.end()) return;  // not admitted: nothing to give back
  --total_;
  // Entries of clients that left are erased, so the map holds at most
  // max_total_ entries however many addresses have come and gone.
  if (--it->second == 0) per_client_.erase(it);
}

int ConnectionLimits::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

int ConnectionLimits::of(const std::string& client) const {
  std::lock_guard lock(mu_);
  auto it = per_client_.find(client);
  return it == per_client_.end() ? 0 : it->second;
}

}  // namespace riskd::http::internal
