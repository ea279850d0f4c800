// riskctl generate: flags -> GenerateOptions -> Generate.
#include <cstdio>

#include "daemon/tools/commands.h"
#include "daemon/tools/flags.h"
#include "daemon/tools/generate.h"
#include "daemon/tools/time_text.h"

namespace riskd::tools {

int GenerateCommand(int argc, char** argv) {
  Flags flags({"seed", "accounts", "days", "attack-rate", "start", "out", "labels"},
              {"help"});
  flags.Parse(argc, argv);
  if (flags.Has("help")) {
    std::fputs("usage:\n", stdout);
    std::fputs(kToolsUsage, stdout);
    return 0;
  }
  GenerateOptions o;
  for (const char* required : {"seed", "accounts", "days", "out", "labels"}) {
    flags.Require(required);
  }
  o.seed = flags.Uint("seed", o.seed);
  o.accounts = static_cast<std::uint32_t>(flags.Uint("accounts", o.accounts));
  o.days = static_cast<int>(flags.Uint("days", static_cast<std::uint64_t>(o.days)));
  o.attack_rate = flags.Double("attack-rate", o.attack_rate);
  if (auto start = flags.Get("start")) {
    auto t = ParseRfc3339(*start);
    if (t.ok()) {
      o.start = *t;
    } else {
      flags.AddProblem("--start: " + t.error().message);
    }
  }
  const std::string out = flags.String("out");
  Result<RecordFormat> format = RecordFormat::kJsonLines;
  if (!out.empty()) {
    format = FormatForPath(out);
    if (!format.ok()) flags.AddProblem("--out: " + format.error().message);
  }
  // Every problem in one go: the flags' and the options' own.
  if (std::string problems = CheckGenerateOptions(o); !problems.empty()) {
    flags.AddProblem(problems);
  }
  if (!flags.problems().empty()) {
    for (const auto& p : flags.problems()) std::fprintf(stderr, "riskctl generate: %s\n", p.c_str());
    return 2;
  }
  auto stats = Generate(o, out, *format, flags.String("labels"));
  if (!stats.ok()) {
    std::fprintf(stderr, "riskctl generate: %s\n", stats.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr,
               "riskctl generate: %llu events, %u accounts (%u attacked) over %d days -> %s\n",
               static_cast<unsigned long long>(stats->events), o.accounts,
               stats->attacked_accounts, o.days, out.c_str());
  return 0;
}

}  // namespace riskd::tools
