// Command lines of the two executables. Each returns the process exit code;
// the mains only forward argv, so tests can run a command in-process.
#pragma once

namespace riskd::app {

int RiskdMain(int argc, char** argv);
int RiskctlMain(int argc, char** argv);

}  // namespace riskd::app
