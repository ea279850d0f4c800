// impossible_travel: a successful login with coordinates whose great-circle
// distance from the previous successful login with coordinates, over the
// time between them, exceeds max_speed_kmh. A zero time gap with a non-zero
// distance is infinitely fast.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
constexpr double kPi = 3.14159265358979323846;

double Radians(double degrees) { return degrees * kPi / 180.0; }

// Haversine: well-conditioned for the short distances that matter here.
double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  const double dlat = Radians(lat2 - lat1);
  const double dlon = Radians(lon2 - lon1);
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(Radians(lat1)) * std::cos(Radians(lat2)) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, a)));
}

}  // namespace

std::optional<Evidence> ImpossibleTravel(const RuleInput& in, Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kLogin || !e.success || !e.has_location) {
    return std::nullopt;
  }
  std::optional<Evidence> fired;
  if (const auto& prev = s.last_located_login) {
    const double km =
        DistanceKm(prev->latitude, prev->longitude, e.latitude, e.longitude);
    // A late login is compared with the newest one, backwards in time.
    const double hours =
        std::abs(static_cast<double>(e.occurred_at - prev->at)) /
        static_cast<double>(kHour);
    const double kmh = hours > 0 ? km / hours
                       : km > 0  ? std::numeric_limits<double>::infinity()
                                 : 0;
    if (kmh > in.rule.max_speed_kmh) {
      char detail[96];
      std::snprintf(detail, sizeof detail, "%.0f km in %.2f h", km, hours);
      fired = Evidence{in.rule.points, {prev->event_id, e.id}, detail};
    }
  }
  if (!s.last_located_login || e.occurred_at >= s.last_located_login->at) {
    s.last_located_login =
        Located{e.occurred_at, e.latitude, e.longitude, e.id};
  }
  return fired;
}

}  // namespace riskd::scoring::rules
