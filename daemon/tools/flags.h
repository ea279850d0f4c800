// A small command-line parser for riskctl's tool subcommands: `--name value`
// or `--name=value`, boolean switches, and every problem reported at once.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace riskd::tools {

class Flags {
 public:
  // `valued`: flags that take a value; `switches`: flags that do not.
  Flags(std::set<std::string> valued, std::set<std::string> switches)
      : valued_(std::move(valued)), switches_(std::move(switches)) {}

  // Parses args (without the program and command names). Unknown flags,
  // missing values and positional arguments become problems().
  void Parse(int argc, char** argv);

  bool Has(const std::string& name) const;
  std::optional<std::string> Get(const std::string& name) const;

  // Typed getters: absent -> fallback; unparsable -> a problem and fallback.
  std::string String(const std::string& name, std::string fallback = "");
  std::uint64_t Uint(const std::string& name, std::uint64_t fallback);
  double Double(const std::string& name, double fallback);

  // Records a problem unless `name` was given.
  void Require(const std::string& name);
  void AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::set<std::string> valued_;
  std::set<std::string> switches_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> problems_;
};

}  // namespace riskd::tools
