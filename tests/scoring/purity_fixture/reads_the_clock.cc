// Fixture for scoring.purity_check_catches_a_clock: must be rejected.
#include <chrono>
long Now() { return std::chrono::system_clock::now().time_since_epoch().count(); }
