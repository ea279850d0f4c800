#include "daemon/config/checks.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "daemon/config/cluster_secret.h"
#include "daemon/config/env_expand.h"
#include "daemon/config/http_url.h"

namespace riskd::config {
namespace {

using scoring::ConfigProblem;

// Kafka's own rule for topic names.
constexpr size_t kMaxTopicLength = 249;

bool IsTopicChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

bool IsTopicText(const std::string& s) {
  for (char c : s) {
    if (!IsTopicChar(c)) return false;
  }
  return true;
}

class Checks {
 public:
  std::vector<ConfigProblem> problems;

  void Fail(std::string path, std::string message) {
    problems.push_back(ConfigProblem{std::move(path), std::move(message)});
  }

  void Topic(const std::string& path, const std::string& topic) {
    if (topic.empty()) return;  // reported by the loader
    if (topic == "." || topic == ".." || topic.size() > kMaxTopicLength || !IsTopicText(topic)) {
      Fail(path, "is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
  }

  void Kafka(const KafkaConfig& k) {
    std::map<std::string, std::string> seen;  // topic -> path that named it
    for (size_t i = 0; i < k.input_topics.size(); ++i) {
      const std::string path = "kafka.input_topics[" + std::to_string(i) + "]";
      const std::string& topic = k.input_topics[i];
      Topic(path, topic);
      if (auto [it, fresh] = seen.emplace(topic, path); !fresh) {
        Fail(path, "repeats " + it->second);
      }
    }
    Topic("kafka.decisions_topic", k.decisions_topic);
    if (auto it = seen.find(k.decisions_topic); it != seen.end()) {
      Fail("kafka.decisions_topic", "is also an input topic (" + it->second + ")");
    }
    if (!k.dead_letter_suffix.empty() && !IsTopicText(k.dead_letter_suffix)) {
      Fail("kafka.dead_letter_suffix", "may only hold letters, digits, '.', '_', '-'");
    }
    for (const std::string& topic : k.input_topics) {
      const std::string dlq = topic + k.dead_letter_suffix;
      if (dlq.size() > kMaxTopicLength) {
        Fail("kafka.dead_letter_suffix", "makes the dead-letter topic of " + topic +
                                             " longer than 249 characters");
      } else if (seen.count(dlq) != 0 || dlq == k.decisions_topic) {
        Fail("kafka.dead_letter_suffix", "makes the dead-letter topic of " + topic + " (" + dlq +
                                             ") an input or decisions topic");
      }
    }
    // riskd sets group.id from kafka.group_id; a second spelling would be
    // silently overridden.
    if (k.properties.count("group.id") != 0) {
      Fail("kafka.properties.group.id", "set kafka.group_id instead");
    }
    if (k.properties.count("group.instance.id") != 0) {
      Fail("kafka.properties.group.instance.id", "set kafka.instance_id instead");
    }
    const std::string changelog = k.ChangelogTopic();
    Topic("kafka.changelog_topic", changelog);  // the default is made from kafka.group_id
    if (changelog == k.decisions_topic || seen.count(changelog) != 0) {
      Fail("kafka.changelog_topic", "names an input or decisions topic (" + changelog + ")");
    }
    for (const std::string& topic : k.input_topics) {
      if (topic + k.dead_letter_suffix == changelog) {
        Fail("kafka.changelog_topic", "is the dead-letter topic of " + topic);
      }
    }
    // ${POD_NAME} and the like are expanded at start; what is written
    // around them must already be a valid id.
    if (auto ok = CheckEnvSyntax(k.instance_id); !ok) {
      Fail("kafka.instance_id", ok.error().message);
    } else if (auto literal = ExpandEnv(k.instance_id, [](std::string_view) { return std::optional<std::string>("x"); });
               !k.instance_id.empty() && (literal->size() > kMaxTopicLength || !IsTopicText(*literal))) {
      Fail("kafka.instance_id", "may only hold letters, digits, '.', '_', '-' (at most 249) and ${NAME} variables");
    }
    const std::string members = k.MembershipTopic();
    Topic("kafka.membership_topic", members);
    if (seen.count(members) != 0 || members == k.decisions_topic || members == changelog) {
      Fail("kafka.membership_topic", "names an input, decisions or changelog topic (" + members + ")");
    }
  }

  void Cluster(const Config& c, bool check_files) {
    const std::string& advertised = c.http.advertised_url;
    if (auto ok = CheckEnvSyntax(advertised); !ok) {
      Fail("http.advertised_url", ok.error().message);
    } else if (!advertised.empty() && advertised.find("${") == std::string::npos) {
      // With ${…} the shape is checked at start, once expanded.
      if (auto url = ParseHttpUrl(advertised); !url) Fail("http.advertised_url", url.error().message);
    }
    // The scheme is written before any ${…}: checked here either way.
    if (c.http.tls.enabled() && advertised.starts_with("http://")) {
      Fail("http.advertised_url", "is http:// while http.tls is set: peers would forward requests in clear "
                                  "(and this instance serves only TLS); use https://");
    } else if (!c.http.tls.enabled() && advertised.starts_with("https://")) {
      Fail("http.advertised_url", "is https:// but http.tls is not set: this instance serves plain HTTP");
    }
    if (c.cluster.member_ttl < 2 * c.cluster.heartbeat_interval) {
      Fail("cluster.member_ttl", "must be at least twice cluster.heartbeat_interval (a late heartbeat is not a death)");
    }
    ClusterSecret(c, check_files);
    if (check_files && !c.cluster.peer_ca_file.empty() && ::access(c.cluster.peer_ca_file.c_str(), R_OK) != 0) {
      Fail("cluster.peer_ca_file", "cannot read " + c.cluster.peer_ca_file + ": " + std::strerror(errno));
    }
  }

  // Every instance sharing a real Kafka must share a secret (daemon/trust):
  // without one, anything that can write to the cluster's topics could
  // redirect requests or rewrite state.
  void ClusterSecret(const Config& c, bool check_files) {
    const ClusterConfig& cl = c.cluster;
    if (!cl.secret.empty() && !cl.secret_file.empty()) {
      Fail("cluster.secret_file", "set either cluster.secret or cluster.secret_file, not both");
      return;
    }
    if (cl.secret.empty() && cl.secret_file.empty()) {
      if (c.kafka.properties.count("bootstrap.servers") != 0) {
        Fail("cluster.secret", "is required with kafka.properties.bootstrap.servers (a shared Kafka): write "
                               "cluster.secret: \"${RISKD_CLUSTER_SECRET}\" or set cluster.secret_file");
      }
      return;
    }
    if (auto ok = CheckEnvSyntax(cl.previous_secret); !ok) {
      Fail("cluster.previous_secret", ok.error().message);
    } else if (!cl.previous_secret.empty() && cl.previous_secret.find('$') == std::string::npos &&
               cl.previous_secret.size() < kMinClusterSecretBytes) {
      Fail("cluster.previous_secret", "is shorter than " + std::to_string(kMinClusterSecretBytes) + " bytes");
    }
    if (auto ok = CheckEnvSyntax(cl.secret); !ok) {
      Fail("cluster.secret", ok.error().message);
      return;
    }
    if (auto ok = CheckEnvSyntax(cl.secret_file); !ok) {
      Fail("cluster.secret_file", ok.error().message);
      return;
    }
    // ${…} is expanded at start (the variable may not exist here); a file
    // is read when files are checked.
    if (!cl.secret.empty() && cl.secret.find('$') != std::string::npos) return;
    if (!cl.secret_file.empty() && (!check_files || cl.secret_file.find('$') != std::string::npos)) return;
    auto secret = ReadClusterSecret(cl, [](std::string_view) { return std::optional<std::string>(); });
    if (!secret) {
      const std::string& m = secret.error().message;
      const size_t colon = m.find(": ");
      Fail(m.substr(0, colon), m.substr(colon + 2));
    } else if (*secret && (*secret)->size() < kMinClusterSecretBytes) {
      Fail(cl.secret.empty() ? "cluster.secret_file" : "cluster.secret",
           "the secret is " + std::to_string((*secret)->size()) + " bytes long; at least " +
               std::to_string(kMinClusterSecretBytes) + " are required");
    }
  }

  void Http(const Config& c, bool check_files) {
    const auto& tls = c.http.tls;
    if (tls.cert_file.empty() != tls.key_file.empty()) {
      Fail(tls.cert_file.empty() ? "http.tls.cert_file" : "http.tls.key_file",
           "must be set together with " +
               std::string(tls.cert_file.empty() ? "http.tls.key_file" : "http.tls.cert_file"));
    }
    // Found now rather than when the listener starts (or is reloaded).
    for (const auto& [path, file] : {std::pair{"http.tls.cert_file", &tls.cert_file},
                                     std::pair{"http.tls.key_file", &tls.key_file},
                                     std::pair{"scoring.shadow_config", &c.shadow_config}}) {
      if (check_files && !file->empty() && ::access(file->c_str(), R_OK) != 0) {
        Fail(path, "cannot read " + *file + ": " + std::strerror(errno));
      }
    }
    const bool any_port = c.http.listen.ends_with(":0");
    if (c.http.listen == c.metrics.listen && !any_port) {
      Fail("metrics.listen", "is the same address as http.listen");
    }
  }

  void Tokens(const TokenTable& tokens) {
    std::map<std::string, size_t> names, digests;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string at = "auth.tokens[" + std::to_string(i) + "]";
      const Token& t = tokens[i];
      if (!t.name.empty()) {
        if (auto [it, fresh] = names.emplace(t.name, i); !fresh) {
          Fail(at + ".name", "duplicate of auth.tokens[" + std::to_string(it->second) + "].name");
        }
      }
      if (!t.sha256.empty()) {
        if (auto [it, fresh] = digests.emplace(t.sha256, i); !fresh) {
          // Two names for one token would make audit records ambiguous.
          Fail(at + ".sha256",
               "same digest as auth.tokens[" + std::to_string(it->second) + "].sha256");
        }
      }
    }
  }
};

}  // namespace

std::vector<ConfigProblem> CheckConfig(const Config& config, const LoadOptions& options) {
  Checks checks;
  checks.Kafka(config.kafka);
  checks.Http(config, options.check_files);
  checks.Cluster(config, options.check_files);
  checks.Tokens(config.auth.tokens);
  for (ConfigProblem& p : scoring::Validate(config.scoring)) checks.problems.push_back(std::move(p));
  return std::move(checks.problems);
}

}  // namespace riskd::config
