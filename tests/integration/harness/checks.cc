#include "tests/integration/harness/checks.h"

#include <sstream>
#include <thread>

namespace riskd::it {

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

double MetricSum(const std::string& scrape, const std::string& name, int* series) {
  double sum = 0;
  if (series) *series = 0;
  std::istringstream in(scrape);
  for (std::string l; std::getline(in, l);) {
    if (l.compare(0, name.size(), name) != 0 || l.size() <= name.size()) continue;
    if (l[name.size()] != ' ' && l[name.size()] != '{') continue;
    sum += std::stod(l.substr(l.rfind(' ') + 1));
    if (series) ++*series;
  }
  return sum;
}

std::string ScoreAndLevel(const std::string& body) {
  auto field = [&](const std::string& name) {
    const auto at = body.find("\"" + name + "\":");
    if (at == std::string::npos) return std::string("?");
    const auto start = at + name.size() + 3;
    return body.substr(start, body.find_first_of(",}", start) - start);
  };
  return field("score") + "/" + field("level");
}

}  // namespace riskd::it
