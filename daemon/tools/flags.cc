#include "daemon/tools/flags.h"

#include <cerrno>
#include <cstdlib>

namespace riskd::tools {

void Flags::Parse(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      problems_.push_back("unexpected argument \"" + arg + "\"");
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches_.count(name) != 0) {
      if (value) problems_.push_back("--" + name + " takes no value");
      values_[name] = "true";
    } else if (valued_.count(name) != 0) {
      if (!value) {
        if (i + 1 >= argc) {
          problems_.push_back("--" + name + " needs a value");
          continue;
        }
        value = argv[++i];
      }
      values_[name] = *value;
    } else {
      problems_.push_back("unknown flag --" + name);
    }
  }
}

bool Flags::Has(const std::string& name) const { return values_.count(name) != 0; }

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Flags::String(const std::string& name, std::string fallback) {
  auto v = Get(name);
  return v ? *v : fallback;
}

std::uint64_t Flags::Uint(const std::string& name, std::uint64_t fallback) {
  auto v = Get(name);
  if (!v) return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0 || (*v)[0] == '-') {
    problems_.push_back("--" + name + " must be a non-negative integer, not \"" + *v + "\"");
    return fallback;
  }
  return n;
}

double Flags::Double(const std::string& name, double fallback) {
  auto v = Get(name);
  if (!v) return fallback;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0') {
    problems_.push_back("--" + name + " must be a number, not \"" + *v + "\"");
    return fallback;
  }
  return d;
}

void Flags::Require(const std::string& name) {
  if (!Has(name)) problems_.push_back("--" + name + " is required");
}

}  // namespace riskd::tools
