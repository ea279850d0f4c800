#include "daemon/config/cluster_secret.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace riskd::config {

Result<std::optional<std::string>> ReadClusterSecret(const ClusterConfig& cluster, const EnvLookup& env) {
  if (!cluster.secret.empty()) {
    auto text = ExpandEnv(cluster.secret, env);
    if (!text) return Error{"invalid_config", "cluster.secret: " + text.error().message};
    return std::optional<std::string>(std::move(*text));
  }
  if (cluster.secret_file.empty()) return std::optional<std::string>();
  // "${CREDENTIALS_DIRECTORY}/cluster-secret" (systemd's LoadCredential).
  auto path = ExpandEnv(cluster.secret_file, env);
  if (!path) return Error{"invalid_config", "cluster.secret_file: " + path.error().message};
  std::ifstream in(*path, std::ios::binary);
  if (!in) return Error{"invalid_config", "cluster.secret_file: cannot read " + *path + ": " + std::strerror(errno)};
  std::stringstream content;
  content << in.rdbuf();
  std::string secret = content.str();
  // `echo "$SECRET" > file` and Kubernetes Secrets edited by hand end in a newline.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return std::optional<std::string>(std::move(secret));
}

Result<std::optional<std::string>> ReadPreviousClusterSecret(const ClusterConfig& cluster, const EnvLookup& env) {
  if (cluster.previous_secret.empty()) return std::optional<std::string>();
  auto text = ExpandEnv(cluster.previous_secret, env);
  if (!text) return Error{"invalid_config", "cluster.previous_secret: " + text.error().message};
  return std::optional<std::string>(std::move(*text));
}

}  // namespace riskd::config
