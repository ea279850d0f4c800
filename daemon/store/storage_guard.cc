#include "daemon/store/storage_guard.h"

#include <sys/statvfs.h>

#include <algorithm>

#include "daemon/log/log.h"

namespace riskd::store {
namespace {

constexpr auto kFreshness = std::chrono::milliseconds(200);
constexpr auto kMinBackoff = std::chrono::milliseconds(1000);
constexpr auto kMaxBackoff = std::chrono::milliseconds(30'000);

class Listener final : public rocksdb::EventListener {
 public:
  explicit Listener(StorageGuard* guard) : guard_(guard) {}

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override {
    if (error == nullptr || error->ok()) return;
    static constexpr const char* kReasons[] = {"flush", "compaction", "write", "memtable", "manifest_write",
                                               "flush_no_wal", "manifest_write_no_wal"};
    const auto r = static_cast<size_t>(reason);
    guard_->SetBackgroundError(std::string(r < std::size(kReasons) ? kReasons[r] : "background") + ": " +
                               error->ToString());
  }

  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    if (info.new_bg_error.ok()) guard_->ClearBackgroundError();
  }

 private:
  StorageGuard* guard_;
};

}  // namespace

std::optional<int64_t> FilesystemFreeBytes(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return std::nullopt;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

StorageGuard::StorageGuard(std::string dir, int64_t min_free_bytes, FreeBytesFn free_bytes)
    : dir_(std::move(dir)),
      min_free_bytes_(min_free_bytes),
      free_bytes_(free_bytes ? std::move(free_bytes) : FreeBytesFn(FilesystemFreeBytes)),
      listener_(std::make_shared<Listener>(this)) {}

void StorageGuard::RefreshFreeBytes(SteadyTime now) {
  // Read outside the lock: statvfs may block on a sick filesystem.
  const std::optional<int64_t> free = free_bytes_(dir_);
  std::lock_guard lock(mu_);
  free_ = free.value_or(-1);
  free_read_at_ = now;
}

Status StorageGuard::CheckWritable() {
  const SteadyTime now = std::chrono::steady_clock::now();
  bool stale;
  {
    std::lock_guard lock(mu_);
    stale = now - free_read_at_ > kFreshness;
  }
  if (stale) RefreshFreeBytes(now);
  const StorageHealth h = Health();
  if (h.writable) return OkStatus();
  return Error{h.background_error ? "storage_error" : "no_space", h.reason};
}

bool StorageGuard::Tick(const std::function<rocksdb::Status()>& resume, SteadyTime now) {
  RefreshFreeBytes(now);
  {
    std::lock_guard lock(mu_);
    if (!background_error_) return false;
    if (min_free_bytes_ > 0 && free_ >= 0 && free_ < min_free_bytes_) return false;  // no room to recover into
    if (now < next_resume_) return false;
    backoff_ = std::clamp(backoff_ * 2, kMinBackoff, kMaxBackoff);
    next_resume_ = now + backoff_;
  }
  // Busy: RocksDB's own recovery is under way; it ends in OnErrorRecoveryEnd
  // or the next attempt here.
  const rocksdb::Status s = resume();
  if (!s.ok()) {
    log::Warn("store", "storage still not writable; will retry",
              {{"error", s.ToString()}, {"retry_ms", std::to_string(backoff_.count())}});
    return false;
  }
  ClearBackgroundError();
  return true;
}

StorageHealth StorageGuard::Health() const {
  std::lock_guard lock(mu_);
  StorageHealth h;
  h.free_bytes = free_;
  h.low_space = min_free_bytes_ > 0 && free_ >= 0 && free_ < min_free_bytes_;
  h.background_error = background_error_.has_value();
  h.writable = !h.low_space && !h.background_error;
  if (h.background_error) {
    h.reason = "storage error: " + *background_error_;
  } else if (h.low_space) {
    h.reason = "state disk low: " + std::to_string(free_) + " bytes free, below the reserve of " +
               std::to_string(min_free_bytes_) + " (state.min_free_bytes)";
  } else {
    h.reason = "ok";
  }
  return h;
}

void StorageGuard::SetBackgroundError(const std::string& what) {
  bool first;
  {
    std::lock_guard lock(mu_);
    first = !background_error_;
    background_error_ = what;
    if (first) {
      backoff_ = std::chrono::milliseconds(0);
      next_resume_ = {};
    }
  }
  if (first) log::Error("store", "storage stopped accepting writes; pausing until it recovers", {{"error", what}});
}

void StorageGuard::ClearBackgroundError() {
  bool had;
  {
    std::lock_guard lock(mu_);
    had = background_error_.has_value();
    background_error_.reset();
    backoff_ = std::chrono::milliseconds(0);
  }
  if (had) log::Info("store", "storage writable again; resuming");
}

}  // namespace riskd::store
