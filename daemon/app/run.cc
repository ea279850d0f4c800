#include "daemon/app/run.h"

#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>

#include "daemon/app/daemon.h"
#include "daemon/log/log.h"

namespace riskd::app {
namespace {

// A graceful stop that takes longer than this (a broker that never answers
// the group leave) ends the process anyway: the state is safe in RocksDB's
// WAL whatever happens after the last commit.
constexpr auto kShutdownDeadline = std::chrono::seconds(30);

}  // namespace

int RunDaemon(const std::string& config_path) {
  // Signals are blocked before any thread exists, so every thread inherits
  // the mask and only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Daemon daemon(DaemonOptions{config_path});
  if (auto s = daemon.Start(); !s) {
    std::fprintf(stderr, "riskd: %s\n", s.error().message.c_str());
    return 1;
  }
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      daemon.ReloadConfig();
      continue;
    }
    log::Info("app", "signal received; stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
    break;
  }
  std::thread([] {
    std::this_thread::sleep_for(kShutdownDeadline);
    log::Error("app", "shutdown took too long; exiting");
    _exit(1);
  }).detach();
  daemon.Stop();
  return 0;
}

}  // namespace riskd::app
