// Where a request for an account is answered: here, forwarded to the
// partition's owner, or nowhere right now (503). Pure: the caller gathers
// this instance's own view of the partition (the pipeline's) and the
// owner the membership table names among the others.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/cluster/membership_table.h"

namespace riskd::cluster {

// This instance's view of one partition (from the pipeline).
enum class LocalState : uint8_t {
  kNone,       // not assigned here (or assigned without usable state)
  kServing,    // processed and answered here
  kRestoring,  // assigned here, not answered until restored/checked
};

struct Decision {
  enum class Kind { kLocal, kForward, kUnavailable };
  Kind kind = Kind::kUnavailable;
  std::string instance_id;     // kForward: the owner
  std::string advertised_url;  // kForward: where to send it
  std::string reason;          // kUnavailable: the 503's message
};

// `forwarded`: the request came from another instance (it carries the hop
// header) and must not travel again. `owner`: MembershipTable::OwnerOf
// without this instance.
Decision Decide(int32_t partition, LocalState local, bool forwarded, const Owner& owner,
                std::string_view self_id);

}  // namespace riskd::cluster
