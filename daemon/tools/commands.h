// The riskctl subcommands of the fraud-team tooling. Each takes the
// arguments after the command name and returns the process exit code
// (0 success, 1 failure, 2 usage error); riskctl's dispatcher forwards here.
#pragma once

namespace riskd::tools {

int GenerateCommand(int argc, char** argv);
int ReplayCommand(int argc, char** argv);
int TuneCommand(int argc, char** argv);

// One line per command, for riskctl --help.
inline constexpr const char* kToolsUsage =
    "       riskctl generate --seed S --accounts N --days D [--attack-rate R]\n"
    "                        [--start RFC3339] --out FILE.jsonl|FILE.pb --labels FILE.csv\n"
    "       riskctl replay --config FILE --events FILE [--labels FILE] [--json]\n"
    "                      [--compare OTHER_CONFIG] [--report FILE.html]\n"
    "       riskctl tune --config FILE --events FILE --labels FILE\n"
    "                    (--target-precision P | --target-recall R) [--level L] [--sweep-points]\n";

}  // namespace riskd::tools
