#include "tests/integration/harness/riskd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "daemon/config/tokens.h"

namespace riskd::it {

namespace fs = std::filesystem;

const char* RiskdBinary() {
  // Tools outside the test tree (bench/riskd_bench) name the binary at run time.
  const char* override_path = std::getenv("RISKD_BINARY_OVERRIDE");
  return override_path ? override_path : RISKD_BINARY;
}
const char* RiskctlBinary() { return RISKCTL_BINARY; }

double TestScale() {
  const char* s = std::getenv("RISKD_TEST_SCALE");
  if (!s) return 1.0;
  const double v = std::atof(s);
  return v > 0 ? v : 1.0;
}

std::string TokensYaml(const std::vector<TestToken>& tokens) {
  std::string yaml = "auth:\n  tokens:\n";
  for (const TestToken& t : tokens) {
    yaml += "    - { name: " + t.name + ", role: " + t.role + ", sha256: \"" + config::Sha256Hex(t.token) + "\" }\n";
  }
  return yaml;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

RiskdProcess::RiskdProcess(fs::path dir, RiskdConfig config) : dir_(std::move(dir)), config_(std::move(config)) {
  fs::create_directories(dir_);
  if (config_.http_port == 0) config_.http_port = FreePort();
  if (config_.metrics_port == 0) config_.metrics_port = FreePort();
}

RiskdProcess::~RiskdProcess() { Kill(); }

void RiskdProcess::WriteConfig() {
  std::ofstream out(config_path());
  out << "kafka:\n  properties:\n";
  if (!config_.bootstrap.empty()) out << "    bootstrap.servers: \"" << config_.bootstrap << "\"\n";
  for (const auto& [k, v] : config_.kafka_properties) out << "    " << k << ": \"" << v << "\"\n";
  out << "  group_id: " << config_.group_id << "\n"
      << "  input_topics: [" << config_.input_topic << "]\n"
      << "  decisions_topic: " << config_.decisions_topic << "\n"
      << "  decisions_format: " << config_.decisions_format << "\n"
      << "  dead_letter_suffix: .dlq\n"
      << (config_.instance_id.empty() ? "" : "  instance_id: " + config_.instance_id + "\n")
      << (config_.standby_replicas == 0 ? "" : "  standby_replicas: " + std::to_string(config_.standby_replicas) + "\n")
      << "state:\n  dir: " << state_dir().string() << "\n"
      << config_.extra_state_yaml
      << "http:\n  listen: 127.0.0.1:" << config_.http_port << "\n"
      << config_.extra_http_yaml
      << "metrics:\n  listen: 127.0.0.1:" << config_.metrics_port << "\n"
      << config_.extra_yaml;
}

void RiskdProcess::Start() {
  WriteConfig();
  const std::string out = (dir_ / "stdout.log").string();
  const std::string err = (dir_ / "stderr.log").string();
  const std::string config = config_path().string();
  pid_ = ::fork();
  if (pid_ == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execl(RiskdBinary(), RiskdBinary(), "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

void RiskdProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::optional<int> RiskdProcess::Terminate(std::chrono::seconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return std::nullopt;
}

bool RiskdProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

static std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RiskdProcess::Stdout() const { return ReadFile(dir_ / "stdout.log"); }
std::string RiskdProcess::Stderr() const { return ReadFile(dir_ / "stderr.log"); }

bool RiskdProcess::WaitForStdout(const std::string& text, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Stdout().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace riskd::it
