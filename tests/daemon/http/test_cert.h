// A self-signed certificate for 127.0.0.1, made at test time by the openssl
// command line tool (Debian package `openssl`, installed by setup.sh).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace riskd::http::testing {

struct TestCert {
  std::string dir;
  std::string cert_file;
  std::string key_file;
  TestCert() = default;
  TestCert(TestCert&& other) noexcept
      : dir(std::exchange(other.dir, {})), cert_file(other.cert_file), key_file(other.key_file) {}
  TestCert(const TestCert&) = delete;
  TestCert& operator=(const TestCert&) = delete;
  ~TestCert() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

inline std::optional<TestCert> MakeTestCert() {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("riskd-http-cert-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand())))
                        .string();
  std::filesystem::create_directories(dir);
  TestCert cert;
  cert.dir = dir;
  cert.cert_file = dir + "/cert.pem";
  cert.key_file = dir + "/key.pem";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
      " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
      " -keyout " + cert.key_file + " -out " + cert.cert_file + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return std::nullopt;
  return cert;
}

}  // namespace riskd::http::testing
