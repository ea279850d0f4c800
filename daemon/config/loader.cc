// ParseConfig/LoadConfig: YAML -> Config through the key table, collecting
// every problem. Stage 1 walks the document (unknown keys, wrong types, bad
// values, each with its line); stage 2 (checks.h) looks at the result as a
// whole (topics, addresses, tokens, scoring::Validate).
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "daemon/config/checks.h"
#include "daemon/config/config.h"
#include "daemon/config/keys.h"
#include "daemon/config/listen_address.h"
#include "daemon/config/units.h"

namespace riskd::config {
namespace {

using scoring::ConfigProblem;

bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsPrintableAscii(const std::string& s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string KindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kBool: return "true or false";
    case KeyKind::kInt: return "an integer";
    case KeyKind::kBytes: return "a byte count";
    case KeyKind::kDouble: return "a number";
    case KeyKind::kDuration: return "a duration";
    case KeyKind::kString:
    case KeyKind::kChoice:
    case KeyKind::kListen: return "a string";
    case KeyKind::kStringList: return "a list of strings";
    case KeyKind::kStringMap: return "a mapping of strings";
    case KeyKind::kTokens: return "a list of {name, role, sha256}";
    case KeyKind::kLevel: return "a level (LOW, MEDIUM, HIGH, CRITICAL)";
    case KeyKind::kDecision: return "a decision (ALLOW, STEP_UP, DENY)";
    case KeyKind::kFactorList: return "a list of factors";
  }
  return "a value";
}

// A bound as the user would write it.
std::string FormatBound(KeyKind kind, std::int64_t v) {
  if (kind != KeyKind::kDuration) return std::to_string(v);
  scoring::Knob knob{"", scoring::KnobKind::kDuration, &v, ""};
  return scoring::FormatKnobValue(knob);
}

class Loader {
 public:
  explicit Loader(Config& config) : keys_(ListKeys(config)) {
    for (Key& key : keys_) {
      by_path_[key.path] = &key;
      for (size_t dot = key.path.find('.'); dot != std::string::npos;
           dot = key.path.find('.', dot + 1)) {
        branches_.insert(key.path.substr(0, dot));
      }
    }
  }

  std::vector<ConfigProblem> problems;

  void Document(const YAML::Node& root) {
    if (!root || root.IsNull()) return;  // an empty file: every default
    if (!root.IsMap()) {
      Problem("(root)", "must be a mapping of sections (kafka, state, http, …)", root);
      return;
    }
    Walk(root, "");
  }

 private:
  void Problem(const std::string& path, std::string message, const YAML::Node& at) {
    const YAML::Mark mark = at.Mark();
    if (mark.line >= 0) message += " (line " + std::to_string(mark.line + 1) + ")";
    problems.push_back(ConfigProblem{path, std::move(message)});
  }

  void Walk(const YAML::Node& map, const std::string& prefix) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        Problem(prefix.empty() ? "(root)" : prefix, "keys must be plain strings", it->first);
        continue;
      }
      const std::string path =
          prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
      if (!seen.insert(it->first.Scalar()).second) {
        Problem(path, "duplicate key", it->first);
        continue;
      }
      const YAML::Node value = it->second;  // a copy: `it->` yields a temporary
      if (auto found = by_path_.find(path); found != by_path_.end()) {
        Apply(*found->second, value);
      } else if (branches_.count(path) != 0) {
        if (value.IsMap()) {
          Walk(value, path);
        } else if (!value.IsNull()) {
          Problem(path, "must be a mapping", value);
        }
      } else {
        Problem(path, "unknown key", it->first);
      }
    }
  }

  // Scalar text of `value`, or a problem naming what was expected.
  const std::string* Scalar(const Key& key, const YAML::Node& value) {
    if (value.IsScalar()) return &value.Scalar();
    Problem(key.path, "must be " + KindName(key.kind), value);
    return nullptr;
  }

  void CheckBounds(const Key& key, std::int64_t v, const YAML::Node& value) {
    if (v < key.min || v > key.max) {
      Problem(key.path,
              "must be between " + FormatBound(key.kind, key.min) + " and " +
                  FormatBound(key.kind, key.max),
              value);
    }
  }

  void Apply(const Key& key, const YAML::Node& value) {
    if (key.kind == KeyKind::kString && value.IsNull()) {
      *static_cast<std::string*>(key.target) = "";  // `cert_file:` with no value
      if (key.non_empty) Problem(key.path, "must not be empty", value);
      return;
    }
    switch (key.kind) {
      case KeyKind::kStringList: return ApplyStringList(key, value);
      case KeyKind::kStringMap: return ApplyStringMap(key, value);
      case KeyKind::kTokens: return ApplyTokens(key, value);
      case KeyKind::kFactorList: return ApplyFactorList(key, value);
      default: break;
    }
    const std::string* text = Scalar(key, value);
    if (text == nullptr) return;
    switch (key.kind) {
      case KeyKind::kBool: {
        static const std::set<std::string> kTrue = {"true", "True", "TRUE"};
        static const std::set<std::string> kFalse = {"false", "False", "FALSE"};
        if (kTrue.count(*text)) {
          *static_cast<bool*>(key.target) = true;
        } else if (kFalse.count(*text)) {
          *static_cast<bool*>(key.target) = false;
        } else {
          Problem(key.path, "must be true or false", value);
        }
        return;
      }
      case KeyKind::kInt: {
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
        if (ec != std::errc() || end != text->data() + text->size() || text->empty()) {
          Problem(key.path, "must be an integer", value);
          return;
        }
        CheckBounds(key, v, value);
        *static_cast<std::int64_t*>(key.target) = v;
        return;
      }
      case KeyKind::kBytes: {
        auto v = ParseByteSize(*text);
        if (!v.ok()) return Problem(key.path, v.error().message, value);
        CheckBounds(key, *v, value);
        *static_cast<std::int64_t*>(key.target) = *v;
        return;
      }
      case KeyKind::kDuration: {
        auto v = ParseDuration(*text);
        if (!v.ok()) return Problem(key.path, v.error().message, value);
        CheckBounds(key, *v, value);
        *static_cast<scoring::DurationMicros*>(key.target) = *v;
        return;
      }
      case KeyKind::kDouble: {
        double v = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
        if (ec != std::errc() || end != text->data() + text->size() || text->empty()) {
          Problem(key.path, "must be a number", value);
          return;
        }
        *static_cast<double*>(key.target) = v;
        return;
      }
      case KeyKind::kString:
        if (key.non_empty && text->empty()) return Problem(key.path, "must not be empty", value);
        *static_cast<std::string*>(key.target) = *text;
        return;
      case KeyKind::kChoice: {
        std::string list;
        for (const std::string& c : key.choices) {
          if (c == *text) {
            *static_cast<std::string*>(key.target) = *text;
            return;
          }
          list += (list.empty() ? "" : ", ") + c;
        }
        return Problem(key.path, "must be one of " + list, value);
      }
      case KeyKind::kListen: {
        if (auto ok = CheckListenAddress(*text); !ok) {
          return Problem(key.path, ok.error().message, value);
        }
        *static_cast<std::string*>(key.target) = *text;
        return;
      }
      case KeyKind::kLevel: {
        auto level = scoring::LevelFromName(*text);
        if (!level) return Problem(key.path, "must be " + KindName(key.kind), value);
        *static_cast<scoring::Level*>(key.target) = *level;
        return;
      }
      case KeyKind::kDecision: {
        auto decision = scoring::DecisionFromName(*text);
        if (!decision) return Problem(key.path, "must be " + KindName(key.kind), value);
        *static_cast<scoring::Decision*>(key.target) = *decision;
        return;
      }
      default:
        return;
    }
  }

  void ApplyStringList(const Key& key, const YAML::Node& value) {
    std::vector<std::string> out;
    if (!value.IsNull()) {
      if (!value.IsSequence()) return Problem(key.path, "must be " + KindName(key.kind), value);
      for (size_t i = 0; i < value.size(); ++i) {
        const std::string item_path = key.path + "[" + std::to_string(i) + "]";
        if (!value[i].IsScalar() || value[i].Scalar().empty()) {
          Problem(item_path, "must be a non-empty string", value[i]);
          continue;
        }
        out.push_back(value[i].Scalar());
      }
    }
    if (key.non_empty && out.empty() && (value.IsNull() || value.size() == 0)) {
      Problem(key.path, "must list at least one entry", value);
    }
    *static_cast<std::vector<std::string>*>(key.target) = std::move(out);
  }

  void ApplyStringMap(const Key& key, const YAML::Node& value) {
    std::map<std::string, std::string> out;
    if (!value.IsNull()) {
      if (!value.IsMap()) return Problem(key.path, "must be " + KindName(key.kind), value);
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!it->first.IsScalar() || it->first.Scalar().empty()) {
          Problem(key.path, "names must be non-empty strings", it->first);
          continue;
        }
        const std::string name = it->first.Scalar();
        const std::string path = key.path + "." + name;
        if (!it->second.IsScalar()) {
          Problem(path, "must be a string", it->second);
          continue;
        }
        if (!out.emplace(name, it->second.Scalar()).second) Problem(path, "duplicate key", it->first);
      }
    }
    *static_cast<std::map<std::string, std::string>*>(key.target) = std::move(out);
  }

  void ApplyFactorList(const Key& key, const YAML::Node& value) {
    if (!value.IsSequence()) return Problem(key.path, "must be " + KindName(key.kind), value);
    std::vector<scoring::Factor> out;
    for (size_t i = 0; i < value.size(); ++i) {
      auto factor = value[i].IsScalar() ? scoring::FactorFromName(value[i].Scalar()) : std::nullopt;
      if (!factor) {
        Problem(key.path + "[" + std::to_string(i) + "]",
                "must be a factor (SUPPORT_PIN, TOTP, WEBAUTHN, SMS_OTP, EMAIL_OTP, EMAIL_LINK, "
                "ID_DOCUMENT)",
                value[i]);
        continue;
      }
      out.push_back(*factor);
    }
    *static_cast<std::vector<scoring::Factor>*>(key.target) = std::move(out);
  }

  // Each entry: exactly {name, role, sha256}. Values of sha256 are never
  // quoted back: a problem says what is wrong, not what was written.
  void ApplyTokens(const Key& key, const YAML::Node& value) {
    TokenTable out;
    if (!value.IsNull()) {
      if (!value.IsSequence()) return Problem(key.path, "must be " + KindName(key.kind), value);
      for (size_t i = 0; i < value.size(); ++i) {
        const YAML::Node& entry = value[i];
        const std::string at = key.path + "[" + std::to_string(i) + "]";
        if (!entry.IsMap()) {
          Problem(at, "must be a mapping {name, role, sha256}", entry);
          continue;
        }
        Token token;
        bool has_name = false, has_role = false, has_sha = false;
        for (auto it = entry.begin(); it != entry.end(); ++it) {
          const std::string field = it->first.IsScalar() ? it->first.Scalar() : "";
          const std::string path = at + "." + field;
          const YAML::Node v = it->second;
          if (field == "name") {
            has_name = true;
            if (!v.IsScalar() || v.Scalar().empty() || !IsPrintableAscii(v.Scalar())) {
              // Names go into audit records and log lines as they are.
              Problem(path, "must be a non-empty string of printable ASCII", v);
            } else {
              token.name = v.Scalar();
            }
          } else if (field == "role") {
            has_role = true;
            auto role = v.IsScalar() ? RoleFromName(v.Scalar()) : std::nullopt;
            if (!role) {
              Problem(path, "must be support, analyst or admin", v);
            } else {
              token.role = *role;
            }
          } else if (field == "sha256") {
            has_sha = true;
            if (!v.IsScalar() || !IsLowerHex64(v.Scalar())) {
              Problem(path,
                      "must be 64 lowercase hex digits, the SHA-256 of the token "
                      "(printf %s \"$token\" | sha256sum)",
                      v);
            } else {
              token.sha256 = v.Scalar();
            }
          } else {
            Problem(path, "unknown key", it->first);
          }
        }
        if (!has_name) Problem(at + ".name", "required", entry);
        if (!has_role) Problem(at + ".role", "required", entry);
        if (!has_sha) Problem(at + ".sha256", "required", entry);
        out.push_back(std::move(token));
      }
    }
    *static_cast<TokenTable*>(key.target) = std::move(out);
  }

  std::vector<Key> keys_;
  std::unordered_map<std::string, Key*> by_path_;
  std::set<std::string> branches_;  // proper prefixes of key paths
};

// The candidate of scoring.shadow_config, read with the same loader. Its
// files are not checked (only its scoring part is used) and so its own
// shadow_config is not followed: a copy of the live file, shadow key and
// all, is a valid candidate. Skipped when the path itself is already a
// problem (unreadable) or files are not checked (offline tools).
void LoadShadow(LoadResult& result, const LoadOptions& options) {
  const std::string& path = result.config.shadow_config;
  if (path.empty() || !options.check_files) return;
  for (const ConfigProblem& p : result.problems) {
    if (p.path == "scoring.shadow_config") return;
  }
  LoadOptions candidate_options;
  candidate_options.check_files = false;
  LoadResult candidate = LoadConfig(path, candidate_options);
  for (const ConfigProblem& p : candidate.problems) {
    // Whole-file problems are already named by the file.
    const std::string where = p.path == path ? path : path + ": " + p.path;
    result.problems.push_back(ConfigProblem{"scoring.shadow_config", where + ": " + p.message});
  }
  if (!candidate.ok()) return;
  result.shadow_scoring = std::make_shared<const scoring::ScoringConfig>(std::move(candidate.config.scoring));
  result.shadow_version = candidate.config_version;
}

}  // namespace

LoadResult ParseConfig(std::string_view yaml_text, std::string_view source,
                       const LoadOptions& options) {
  LoadResult result;
  Loader loader(result.config);
  try {
    loader.Document(YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    std::string where;
    if (e.mark.line >= 0) {
      where = " at line " + std::to_string(e.mark.line + 1) + ", column " +
              std::to_string(e.mark.column + 1);
    }
    loader.problems.push_back(ConfigProblem{std::string(source), "not valid YAML" + where + ": " + e.msg});
  }
  result.problems = std::move(loader.problems);
  for (ConfigProblem& p : CheckConfig(result.config, options)) result.problems.push_back(std::move(p));
  LoadShadow(result, options);
  if (result.ok()) result.config_version = ConfigVersion(result.config);
  return result;
}

LoadResult LoadConfig(const std::string& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.problems.push_back(
        ConfigProblem{path, std::string("cannot read: ") + std::strerror(errno)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path, options);
}

}  // namespace riskd::config
