// DumpEffective and ConfigVersion: both walk the key table into one small
// tree and print it. The unredacted JSON print is canonical (table order,
// kafka.properties sorted, values in one spelling each), so its SHA-256 is
// the configVersion.
#include <openssl/evp.h>

#include <cmath>
#include <cstdio>

#include "daemon/config/config.h"
#include "daemon/config/keys.h"

namespace riskd::config {
namespace {

constexpr const char* kRedacted = "<redacted>";

// A map entry of Tree. Not a std::pair: a vector of pairs holding the
// still incomplete Tree does not compile with clang and libstdc++.
struct TreeEntry;

struct Tree {
  enum class Type {
    kString,  // quoted in YAML and JSON
    kWord,    // plain in YAML (72h, HIGH, json), a string in JSON
    kNumber,  // plain in both
    kBool,    // plain in both
    kList,
    kMap,
  };
  Type type = Type::kMap;
  std::string text;
  std::vector<Tree> items;                          // kList
  std::vector<TreeEntry> entries;  // kMap, in order

  static Tree Scalar(Type type, std::string text);
  static Tree List();
  Tree& Child(const std::string& name);
};

struct TreeEntry {
  TreeEntry(std::string key, Tree value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  Tree second;
};

Tree Tree::Scalar(Type type, std::string text) {
  Tree t;
  t.type = type;
  t.text = std::move(text);
  return t;
}

Tree Tree::List() {
  Tree t;
  t.type = Type::kList;
  return t;
}

Tree& Tree::Child(const std::string& name) {
  for (auto& [key, child] : entries) {
    if (key == name) return child;
  }
  entries.emplace_back(name, Tree{});
  return entries.back().second;
}

bool LooksSecret(const std::string& property) {
  for (const char* word : {"password", "secret", "token", "oauthbearer.config", "key.pem", "ssl_key"}) {
    if (property.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string Formatted(scoring::KnobKind kind, void* target) {
  return scoring::FormatKnobValue(scoring::Knob{"", kind, target, ""});
}

Tree Value(const Key& key, bool redact) {
  using T = Tree::Type;
  switch (key.kind) {
    case KeyKind::kBool:
      return Tree::Scalar(T::kBool, *static_cast<bool*>(key.target) ? "true" : "false");
    case KeyKind::kInt:
    case KeyKind::kBytes:
      return Tree::Scalar(T::kNumber, std::to_string(*static_cast<std::int64_t*>(key.target)));
    case KeyKind::kDouble: {
      double v = *static_cast<double*>(key.target);
      return Tree::Scalar(std::isfinite(v) ? T::kNumber : T::kString,
                          Formatted(scoring::KnobKind::kDouble, key.target));
    }
    case KeyKind::kDuration:
      return Tree::Scalar(T::kWord, Formatted(scoring::KnobKind::kDuration, key.target));
    case KeyKind::kLevel:
      return Tree::Scalar(T::kWord, Formatted(scoring::KnobKind::kLevel, key.target));
    case KeyKind::kDecision:
      return Tree::Scalar(T::kWord, Formatted(scoring::KnobKind::kDecision, key.target));
    case KeyKind::kChoice:
      return Tree::Scalar(T::kWord, *static_cast<std::string*>(key.target));
    case KeyKind::kString:
    case KeyKind::kListen:
      return Tree::Scalar(T::kString, *static_cast<std::string*>(key.target));
    case KeyKind::kStringList: {
      Tree list = Tree::List();
      for (const auto& s : *static_cast<std::vector<std::string>*>(key.target)) {
        list.items.push_back(Tree::Scalar(T::kString, s));
      }
      return list;
    }
    case KeyKind::kFactorList: {
      Tree list = Tree::List();
      for (scoring::Factor f : *static_cast<std::vector<scoring::Factor>*>(key.target)) {
        list.items.push_back(Tree::Scalar(T::kWord, std::string(scoring::name(f))));
      }
      return list;
    }
    case KeyKind::kStringMap: {
      Tree map;
      for (const auto& [name, value] : *static_cast<std::map<std::string, std::string>*>(key.target)) {
        map.entries.emplace_back(
            name, Tree::Scalar(T::kString, redact && LooksSecret(name) ? kRedacted : value));
      }
      return map;
    }
    case KeyKind::kTokens: {
      Tree list = Tree::List();
      for (const Token& token : *static_cast<TokenTable*>(key.target)) {
        Tree entry;
        entry.entries.emplace_back("name", Tree::Scalar(T::kString, token.name));
        entry.entries.emplace_back("role", Tree::Scalar(T::kWord, std::string(RoleName(token.role))));
        entry.entries.emplace_back("sha256",
                                   Tree::Scalar(T::kString, redact ? kRedacted : token.sha256));
        list.items.push_back(std::move(entry));
      }
      return list;
    }
  }
  return Tree{};
}

Tree Build(const Config& config, bool redact) {
  Config copy = config;  // ListKeys hands out mutable pointers
  Tree root;
  for (const Key& key : ListKeys(copy)) {
    Tree* node = &root;
    size_t start = 0;
    for (size_t dot = key.path.find('.'); dot != std::string::npos;
         dot = key.path.find('.', start)) {
      node = &node->Child(key.path.substr(start, dot - start));
      start = dot + 1;
    }
    node->Child(key.path.substr(start)) = Value(key, redact);
  }
  return root;
}

// A double-quoted string, valid in JSON and in YAML alike.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool IsPlainKey(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void Json(const Tree& t, std::string* out) {
  using T = Tree::Type;
  switch (t.type) {
    case T::kString:
    case T::kWord: *out += Quote(t.text); return;
    case T::kNumber:
    case T::kBool: *out += t.text; return;
    case T::kList:
      *out += '[';
      for (size_t i = 0; i < t.items.size(); ++i) {
        if (i) *out += ',';
        Json(t.items[i], out);
      }
      *out += ']';
      return;
    case T::kMap:
      *out += '{';
      for (size_t i = 0; i < t.entries.size(); ++i) {
        if (i) *out += ',';
        *out += Quote(t.entries[i].first) + ':';
        Json(t.entries[i].second, out);
      }
      *out += '}';
      return;
  }
}

// Flow style for scalars, lists and token entries; block style for maps.
std::string YamlFlow(const Tree& t) {
  using T = Tree::Type;
  switch (t.type) {
    case T::kString: return Quote(t.text);
    case T::kWord:
    case T::kNumber:
    case T::kBool: return t.text;
    case T::kList: {
      std::string out = "[";
      for (size_t i = 0; i < t.items.size(); ++i) out += (i ? ", " : "") + YamlFlow(t.items[i]);
      return out + "]";
    }
    case T::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < t.entries.size(); ++i) {
        const auto& [key, child] = t.entries[i];
        out += (i ? ", " : "") + (IsPlainKey(key) ? key : Quote(key)) + ": " + YamlFlow(child);
      }
      return out + "}";
    }
  }
  return "";
}

void Yaml(const Tree& map, int indent, std::string* out) {
  for (const auto& [key, child] : map.entries) {
    out->append(indent, ' ');
    *out += IsPlainKey(key) ? key : Quote(key);
    *out += ':';
    if (child.type == Tree::Type::kMap && !child.entries.empty()) {
      *out += '\n';
      Yaml(child, indent + 2, out);
    } else if (child.type == Tree::Type::kList && !child.items.empty() &&
               child.items.front().type == Tree::Type::kMap) {
      *out += '\n';
      for (const Tree& item : child.items) {
        out->append(indent + 2, ' ');
        *out += "- " + YamlFlow(item) + "\n";
      }
    } else {
      *out += ' ' + YamlFlow(child) + '\n';
    }
  }
}

}  // namespace

std::string DumpEffective(const Config& config, bool redact_secrets, DumpFormat format) {
  const Tree tree = Build(config, redact_secrets);
  std::string out;
  if (format == DumpFormat::kJson) {
    Json(tree, &out);
  } else {
    Yaml(tree, 0, &out);
  }
  return out;
}

std::string ConfigVersion(const Config& config) {
  const std::string canonical = DumpEffective(config, /*redact_secrets=*/false, DumpFormat::kJson);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < 8 && i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

}  // namespace riskd::config
