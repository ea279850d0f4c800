// Small checks the end-to-end tests share: waiting for a condition, and
// reading figures out of riskd's logs, /metrics and risk answers.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace riskd::it {

// Polls `done` every 100 ms until it holds (true) or `timeout` passes
// (false; `done` is asked one last time).
bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout);

// How often `what` occurs in `text` (e.g. a log message in stderr).
int Count(const std::string& text, const std::string& what);

// The sum of every sample of metric `name` in a Prometheus text scrape
// (all label sets); `series`, when given, gets how many there were.
double MetricSum(const std::string& scrape, const std::string& name, int* series = nullptr);

// "score/level" of a risk answer's JSON body, as text: equal text means
// bit-identical answers.
std::string ScoreAndLevel(const std::string& body);

}  // namespace riskd::it
