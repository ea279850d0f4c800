// riskctl tune: flags -> Tune over the events file -> the proposal as a
// config diff. Exit 0 when the proposal meets the target, 1 when nothing
// tried does (the closest is still printed).
#include <cstdio>

#include "daemon/tools/commands.h"
#include "daemon/tools/config_file.h"
#include "daemon/tools/event_file.h"
#include "daemon/tools/flags.h"
#include "daemon/tools/tune.h"

namespace riskd::tools {

int TuneCommand(int argc, char** argv) {
  Flags flags({"config", "events", "labels", "target-precision", "target-recall", "level"},
              {"sweep-points", "help"});
  flags.Parse(argc, argv);
  if (flags.Has("help")) {
    std::fputs("usage:\n", stdout);
    std::fputs(kToolsUsage, stdout);
    return 0;
  }
  for (const char* required : {"config", "events", "labels"}) flags.Require(required);
  TuneOptions options;
  if (flags.Has("target-precision")) options.target_precision = flags.Double("target-precision", 0);
  if (flags.Has("target-recall")) options.target_recall = flags.Double("target-recall", 0);
  if (options.target_precision.has_value() == options.target_recall.has_value()) {
    flags.AddProblem("give exactly one of --target-precision and --target-recall");
  }
  for (auto target : {options.target_precision, options.target_recall}) {
    if (target && !(*target > 0 && *target <= 1)) flags.AddProblem("a target must be in (0, 1]");
  }
  const std::string level = flags.String("level", "HIGH");
  const auto parsed = scoring::LevelFromName(level);
  if (!parsed || *parsed == scoring::Level::kLow) {
    flags.AddProblem("--level must be MEDIUM, HIGH or CRITICAL, not \"" + level + "\"");
  } else {
    options.level = *parsed;
  }
  options.sweep_points = flags.Has("sweep-points");
  if (!flags.problems().empty()) {
    for (const auto& p : flags.problems()) std::fprintf(stderr, "riskctl tune: %s\n", p.c_str());
    return 2;
  }
  auto file = LoadConfigFile(flags.String("config"));
  if (!file.ok()) {
    std::fprintf(stderr, "riskctl tune: %s\n", file.error().message.c_str());
    return 1;
  }
  auto labels = ReadLabels(flags.String("labels"));
  if (!labels.ok()) {
    std::fprintf(stderr, "riskctl tune: %s\n", labels.error().message.c_str());
    return 1;
  }
  const std::string events = flags.String("events");
  const StreamReplay replay = [&](std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs) {
    return ReplayFile(events, std::move(configs), *labels, true);
  };
  auto result = Tune(file->scoring, options, replay);
  if (!result.ok()) {
    std::fprintf(stderr, "riskctl tune: %s\n", result.error().message.c_str());
    return 1;
  }
  const std::string out = FormatTune(*result, options);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return result->met ? 0 : 1;
}

}  // namespace riskd::tools
