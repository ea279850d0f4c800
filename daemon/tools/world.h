// The synthetic world riskctl generate draws from: cities, networks and
// autonomous systems, and each customer's habits (where and on what they
// log in). A customer's Profile is a pure function of (seed, account,
// period), so any day of any account can be generated without the others.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "scoring/time.h"

namespace riskd::tools {

enum class Continent : std::uint8_t {
  kNorthAmerica, kSouthAmerica, kEurope, kAsia, kOceania, kAfrica
};

struct City {
  const char* name;
  const char* country;  // ISO 3166-1 alpha-2
  double latitude;
  double longitude;
  int utc_offset_hours;  // standard time; good enough for habits
  Continent continent;
};

std::span<const City> Cities();

// Where a customer logs in from: a city, an IPv4 /24 (host byte order, low
// octet zero) and an ASN.
struct Place {
  int city = 0;
  std::uint32_t net24 = 0;
  std::uint32_t asn = 0;
  double latitude = 0;   // the place itself: the city plus a fixed offset
  double longitude = 0;
};

// A customer's habits for the whole generated period.
struct Profile {
  std::uint32_t account = 0;
  Place home;
  bool has_work = false;
  Place work;
  // Mobile data: the carrier's ASN is stable, the /24 is not (carrier NAT
  // pools), so a phone is recognised by its device id and ASN.
  std::uint32_t mobile_asn = 0;
  std::uint32_t mobile_net16 = 0;  // the carrier's /16, host order
  std::uint64_t laptop_device = 0;
  std::uint64_t work_device = 0;
  std::uint64_t phone_device = 0;
  std::uint64_t new_phone_device = 0;
  int new_phone_day = -1;   // from this day on the phone is new_phone_device
  bool new_phone_number = false;  // the new phone came with a new number
  double logins_per_day = 1;
  bool has_totp = false;
  bool uses_vpn = false;    // sometimes logs in through a far-away VPN exit
  Place vpn;
  // At most one trip: [trip_start_day, trip_start_day + trip_days), the
  // first day spent travelling (no logins), then logins at the destination.
  int trip_start_day = -1;
  int trip_days = 0;
  Place trip;
  int tz_offset_hours = 0;
};

// Builds account `account`'s habits. `days` is the generated period's length.
Profile BuildProfile(std::uint64_t seed, std::uint32_t account, int days);

// A stable 64-bit id for something of `account` (a device, a ticket).
std::uint64_t StableId(std::uint64_t seed, std::uint32_t account,
                       std::uint64_t tag);

// A fresh place in `city`: a /24 in a range typical of `kind` (residential,
// hosting, mobile) and an ASN of that kind in that city.
enum class NetworkKind : std::uint8_t { kResidential, kHosting, kHotel };
class Rng;
Place RandomPlace(Rng& rng, int city, NetworkKind kind);

// A city on another continent than `city` (for travel and attackers).
int FarCity(Rng& rng, int city);

// "203.0.113.7".
std::string FormatIpv4(std::uint32_t ip);

}  // namespace riskd::tools
