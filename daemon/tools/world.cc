#include "daemon/tools/world.h"

#include <array>
#include <cstdio>

#include "daemon/tools/prng.h"

namespace riskd::tools {
namespace {

using C = Continent;

// Enough cities on every continent that travel and attackers come from
// places a customer has never been.
constexpr std::array<City, 30> kCities = {{
    {"New York", "US", 40.7128, -74.0060, -5, C::kNorthAmerica},
    {"Chicago", "US", 41.8781, -87.6298, -6, C::kNorthAmerica},
    {"San Francisco", "US", 37.7749, -122.4194, -8, C::kNorthAmerica},
    {"Toronto", "CA", 43.6532, -79.3832, -5, C::kNorthAmerica},
    {"Mexico City", "MX", 19.4326, -99.1332, -6, C::kNorthAmerica},
    {"Dallas", "US", 32.7767, -96.7970, -6, C::kNorthAmerica},
    {"Sao Paulo", "BR", -23.5505, -46.6333, -3, C::kSouthAmerica},
    {"Buenos Aires", "AR", -34.6037, -58.3816, -3, C::kSouthAmerica},
    {"Bogota", "CO", 4.7110, -74.0721, -5, C::kSouthAmerica},
    {"London", "GB", 51.5074, -0.1278, 0, C::kEurope},
    {"Berlin", "DE", 52.5200, 13.4050, 1, C::kEurope},
    {"Paris", "FR", 48.8566, 2.3522, 1, C::kEurope},
    {"Amsterdam", "NL", 52.3676, 4.9041, 1, C::kEurope},
    {"Madrid", "ES", 40.4168, -3.7038, 1, C::kEurope},
    {"Warsaw", "PL", 52.2297, 21.0122, 1, C::kEurope},
    {"Stockholm", "SE", 59.3293, 18.0686, 1, C::kEurope},
    {"Moscow", "RU", 55.7558, 37.6173, 3, C::kEurope},
    {"Tokyo", "JP", 35.6762, 139.6503, 9, C::kAsia},
    {"Seoul", "KR", 37.5665, 126.9780, 9, C::kAsia},
    {"Singapore", "SG", 1.3521, 103.8198, 8, C::kAsia},
    {"Mumbai", "IN", 19.0760, 72.8777, 5, C::kAsia},
    {"Jakarta", "ID", -6.2088, 106.8456, 7, C::kAsia},
    {"Hanoi", "VN", 21.0278, 105.8342, 7, C::kAsia},
    {"Shanghai", "CN", 31.2304, 121.4737, 8, C::kAsia},
    {"Sydney", "AU", -33.8688, 151.2093, 10, C::kOceania},
    {"Auckland", "NZ", -36.8485, 174.7633, 12, C::kOceania},
    {"Lagos", "NG", 6.5244, 3.3792, 1, C::kAfrica},
    {"Johannesburg", "ZA", -26.2041, 28.0473, 2, C::kAfrica},
    {"Nairobi", "KE", -1.2921, 36.8219, 3, C::kAfrica},
    {"Cairo", "EG", 30.0444, 31.2357, 2, C::kAfrica},
}};

// Customers live mostly in the first cities (a provider's home markets).
int HomeCity(Rng& rng) {
  if (rng.Chance(0.7)) return static_cast<int>(rng.Below(16));
  return static_cast<int>(rng.Below(kCities.size()));
}

constexpr std::array<std::uint32_t, 8> kResidentialFirstOctets = {
    24, 31, 46, 50, 71, 73, 86, 98};
constexpr std::array<std::uint32_t, 6> kHostingFirstOctets = {
    45, 104, 139, 159, 167, 185};
constexpr std::array<std::uint32_t, 4> kHotelFirstOctets = {62, 80, 92, 212};

template <std::size_t N>
std::uint32_t RandomNet24(Rng& rng, const std::array<std::uint32_t, N>& firsts) {
  const std::uint32_t a = firsts[rng.Below(N)];
  const auto b = static_cast<std::uint32_t>(rng.Below(256));
  const auto c = static_cast<std::uint32_t>(rng.Below(256));
  return (a << 24) | (b << 16) | (c << 8);
}

}  // namespace

std::span<const City> Cities() { return kCities; }

std::uint64_t StableId(std::uint64_t seed, std::uint32_t account,
                       std::uint64_t tag) {
  return DeriveSeed({seed, account, tag, 0x1d});
}

Place RandomPlace(Rng& rng, int city, NetworkKind kind) {
  Place p;
  p.city = city;
  const auto c = static_cast<std::uint32_t>(city);
  switch (kind) {
    case NetworkKind::kResidential:
      p.net24 = RandomNet24(rng, kResidentialFirstOctets);
      p.asn = 64512 + c * 4 + static_cast<std::uint32_t>(rng.Below(3));
      break;
    case NetworkKind::kHosting:
      p.net24 = RandomNet24(rng, kHostingFirstOctets);
      p.asn = 65000 + static_cast<std::uint32_t>(rng.Below(12));
      break;
    case NetworkKind::kHotel:
      p.net24 = RandomNet24(rng, kHotelFirstOctets);
      p.asn = 65100 + c * 3 + static_cast<std::uint32_t>(rng.Below(3));
      break;
  }
  p.latitude = kCities[city].latitude + rng.Uniform(-0.08, 0.08);
  p.longitude = kCities[city].longitude + rng.Uniform(-0.08, 0.08);
  return p;
}

int FarCity(Rng& rng, int city) {
  for (;;) {
    const int other = static_cast<int>(rng.Below(kCities.size()));
    if (kCities[other].continent != kCities[city].continent) return other;
  }
}

Profile BuildProfile(std::uint64_t seed, std::uint32_t account, int days) {
  Rng rng(DeriveSeed({seed, account, 0x9f0f11e}));
  Profile p;
  p.account = account;
  const int city = HomeCity(rng);
  p.tz_offset_hours = kCities[city].utc_offset_hours;
  p.home = RandomPlace(rng, city, NetworkKind::kResidential);
  p.has_work = rng.Chance(0.6);
  p.work = RandomPlace(rng, city, NetworkKind::kResidential);
  p.work.asn = 64700 + static_cast<std::uint32_t>(rng.Below(60));  // business ISPs
  p.mobile_asn = 64800 + static_cast<std::uint32_t>(city) * 2 +
                 static_cast<std::uint32_t>(rng.Below(2));
  p.mobile_net16 = (static_cast<std::uint32_t>(100 + rng.Below(20)) << 24) |
                   (static_cast<std::uint32_t>(rng.Below(256)) << 16);
  p.laptop_device = StableId(seed, account, 1);
  p.work_device = rng.Chance(0.5) ? p.laptop_device : StableId(seed, account, 2);
  p.phone_device = StableId(seed, account, 3);
  p.new_phone_device = StableId(seed, account, 4);
  // About one new phone per customer every two years.
  if (days > 1 && rng.Chance(days / 730.0)) {
    p.new_phone_day = static_cast<int>(rng.Between(1, days - 1));
    p.new_phone_number = rng.Chance(0.3);
  }
  // Logins per day: most customers log in once or twice a day, some rarely.
  p.logins_per_day = rng.Chance(0.2) ? rng.Uniform(0.1, 0.5) : rng.Uniform(0.6, 3.0);
  p.has_totp = rng.Chance(0.3);
  p.uses_vpn = rng.Chance(0.02);
  p.vpn = RandomPlace(rng, FarCity(rng, city), NetworkKind::kHosting);
  // About one trip a year, 3 to 10 days long.
  if (days >= 3 && rng.Chance(days / 365.0)) {
    p.trip_start_day = static_cast<int>(rng.Between(1, days - 2));
    p.trip_days = static_cast<int>(rng.Between(3, 10));
    const int dest = rng.Chance(0.5) ? FarCity(rng, city)
                                     : static_cast<int>(rng.Below(kCities.size()));
    p.trip = RandomPlace(rng, dest, NetworkKind::kHotel);
  }
  return p;
}

std::string FormatIpv4(std::uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
                (ip >> 8) & 255, ip & 255);
  return buf;
}

}  // namespace riskd::tools
