#include "daemon/store/rocks_logger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <filesystem>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <sys/time.h>

#include "daemon/log/rate_limit.h"

namespace riskd::store {
namespace {

class TolerantLogger final : public rocksdb::Logger {
 public:
  TolerantLogger(std::string dir, int64_t max_file_bytes)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL),
        path_(dir + "/LOG"),
        old_path_(dir + "/LOG.old"),
        max_file_bytes_(max_file_bytes),
        errors_("rocksdb", log::RateLimitOptions{.lines_per_interval = 5}) {
    std::error_code ignored;  // RocksDB creates the directory only after the logger
    std::filesystem::create_directories(dir, ignored);
    Roll();
  }
  ~TolerantLogger() override {
    if (fd_ >= 0) ::close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char message[4096];
    va_list copy;
    va_copy(copy, ap);
    std::vsnprintf(message, sizeof message, format, copy);
    va_end(copy);
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL && level != rocksdb::InfoLogLevel::HEADER_LEVEL) {
      errors_.Write(log::Level::kError, "rocksdb", "rocksdb error", {{"detail", message}});
    }
    char line[4200];
    timeval now{};
    ::gettimeofday(&now, nullptr);
    std::tm tm{};
    ::localtime_r(&now.tv_sec, &tm);
    const int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %s\n", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                                static_cast<long>(now.tv_usec), message);
    std::lock_guard lock(mu_);
    if (fd_ < 0) return;
    // A failed or short write (a full disk) loses this line and nothing else.
    const ssize_t written = ::write(fd_, line, static_cast<size_t>(std::min<int>(n, sizeof line - 1)));
    if (written > 0) size_ += written;
    if (size_ > max_file_bytes_) Roll();
  }

 private:
  // Called with mu_ held (or from the constructor).
  void Roll() {
    if (fd_ >= 0) ::close(fd_);
    ::rename(path_.c_str(), old_path_.c_str());
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    size_ = 0;
  }

  const std::string path_;
  const std::string old_path_;
  const int64_t max_file_bytes_;
  log::RateLimitedLogger errors_;
  std::mutex mu_;
  int fd_ = -1;
  int64_t size_ = 0;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewTolerantLogger(const std::string& dir, int64_t max_file_bytes) {
  return std::make_shared<TolerantLogger>(dir, max_file_bytes);
}

}  // namespace riskd::store
