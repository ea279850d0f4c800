// A real riskd process for end-to-end tests: its own temp directory with a
// config file and state dir, stdout/stderr captured to files, and the
// signals a test needs (SIGTERM for a clean stop, SIGKILL for a crash).
// The Kafka cluster lives in the test process (EmbeddedCluster), so it
// survives every kill.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace riskd::it {

struct RiskdConfig {
  std::string bootstrap;  // kafka.properties."bootstrap.servers"; "" = embedded
  std::string group_id = "riskd";
  std::string input_topic = "account-events";
  std::string decisions_topic = "risk-decisions";
  std::string decisions_format = "json";  // kafka.decisions_format
  std::string instance_id;                // kafka.instance_id (static membership); "" = none
  int standby_replicas = 0;               // kafka.standby_replicas
  int http_port = 0;     // 0: a free port is picked
  int metrics_port = 0;  // 0: a free port is picked
  // Extra kafka.properties (e.g. session.timeout.ms to speed up rejoins).
  std::map<std::string, std::string> kafka_properties = {{"session.timeout.ms", "6000"},
                                                         {"heartbeat.interval.ms", "500"}};
  // Extra YAML appended verbatim (tokens for HTTP tests, …).
  std::string extra_yaml;
  // Extra keys of the `http:` section (which holds `listen`), one per line
  // and indented two spaces: "  idle_timeout: 2s\n".
  std::string extra_http_yaml;
  // Extra keys of the `state:` section (which holds `dir`), the same way.
  std::string extra_state_yaml;
};

// A bearer token of an HTTP test: riskd's config stores only its SHA-256.
struct TestToken {
  std::string name;
  std::string role;   // support | analyst | admin
  std::string token;  // what the test sends as "Authorization: Bearer <token>"
};
// The `auth.tokens` section of riskd.yaml for `tokens` (for extra_yaml).
std::string TokensYaml(const std::vector<TestToken>& tokens);

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int FreePort();

class RiskdProcess {
 public:
  // `dir` holds riskd.yaml, state/, stdout.log, stderr.log; created if needed.
  RiskdProcess(std::filesystem::path dir, RiskdConfig config);
  ~RiskdProcess();  // SIGKILLs a process still running

  // Writes the config and starts riskd --config. Does not wait for anything.
  void Start();
  // SIGKILL and reap.
  void Kill();
  // SIGTERM and wait up to `timeout`; returns the exit code (nullopt on
  // timeout, after which the process is killed).
  std::optional<int> Terminate(std::chrono::seconds timeout = std::chrono::seconds(40));
  bool Running();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path state_dir() const { return dir_ / "state"; }
  std::filesystem::path config_path() const { return dir_ / "riskd.yaml"; }
  std::string Stdout() const;
  std::string Stderr() const;
  int http_port() const { return config_.http_port; }
  int metrics_port() const { return config_.metrics_port; }
  RiskdConfig& config() { return config_; }

  // Waits until stdout contains `text` (e.g. "kafka bootstrap: ").
  bool WaitForStdout(const std::string& text, std::chrono::seconds timeout);

 private:
  void WriteConfig();

  std::filesystem::path dir_;
  RiskdConfig config_;
  pid_t pid_ = -1;
};

// The path of the riskd binary under test (a compile definition).
const char* RiskdBinary();
const char* RiskctlBinary();

// Scales heavy tests: RISKD_TEST_SCALE (default 1.0; the ASan build sets it
// lower through ctest's environment).
double TestScale();

}  // namespace riskd::it
