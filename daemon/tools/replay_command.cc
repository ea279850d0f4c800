// riskctl replay: flags -> configs and labels -> ReplayFile -> text/JSON,
// optional comparison and HTML report.
#include <cstdio>
#include <fstream>

#include "daemon/tools/commands.h"
#include "daemon/tools/compare.h"
#include "daemon/tools/config_file.h"
#include "daemon/tools/event_file.h"
#include "daemon/tools/flags.h"
#include "daemon/tools/replay_output.h"
#include "daemon/tools/report_html.h"

namespace riskd::tools {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "riskctl replay: %s\n", message.c_str());
  return 1;
}

}  // namespace

int ReplayCommand(int argc, char** argv) {
  Flags flags({"config", "events", "labels", "compare", "report", "bucket-hours", "examples"},
              {"json", "help"});
  flags.Parse(argc, argv);
  if (flags.Has("help")) {
    std::fputs("usage:\n", stdout);
    std::fputs(kToolsUsage, stdout);
    return 0;
  }
  flags.Require("config");
  flags.Require("events");
  ReplayOptions options;
  options.bucket = static_cast<scoring::DurationMicros>(flags.Uint("bucket-hours", 24)) * scoring::kHour;
  if (options.bucket <= 0) flags.AddProblem("--bucket-hours must be at least 1");
  const auto examples = static_cast<std::size_t>(flags.Uint("examples", 10));
  if (!flags.problems().empty()) {
    for (const auto& p : flags.problems()) std::fprintf(stderr, "riskctl replay: %s\n", p.c_str());
    return 2;
  }

  std::vector<ConfigFile> files;
  for (const char* flag : {"config", "compare"}) {
    if (!flags.Has(flag)) continue;
    auto file = LoadConfigFile(flags.String(flag));
    if (!file.ok()) return Fail(file.error().message);
    files.push_back(std::move(*file));
  }
  std::vector<LabelRow> labels;
  if (flags.Has("labels")) {
    auto rows = ReadLabels(flags.String("labels"));
    if (!rows.ok()) return Fail(rows.error().message);
    labels = std::move(*rows);
  }
  std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs;
  ArmNames names;
  for (std::size_t k = 0; k < files.size(); ++k) {
    configs.push_back(files[k].scoring);
    (k == 0 ? names.a : names.b) = files[k].path;
    (k == 0 ? names.version_a : names.version_b) = files[k].version;
  }

  auto result = ReplayFile(flags.String("events"), configs, labels, flags.Has("labels"), options);
  if (!result.ok()) return Fail(result.error().message);
  std::optional<Comparison> comparison;
  if (result->arms.size() == 2) {
    comparison = Compare(*result, result->arms[0], result->arms[1], examples);
  }
  const std::string out = flags.Has("json") ? FormatReplayJson(*result, names, comparison)
                                            : FormatReplayText(*result, names, comparison);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (flags.Has("report")) {
    const std::string path = flags.String("report");
    std::ofstream html(path, std::ios::binary);
    html << RenderHtmlReport(*result, names, comparison);
    html.close();
    if (!html) return Fail("cannot write " + path);
    std::fprintf(stderr, "riskctl replay: report written to %s\n", path.c_str());
  }
  return 0;
}

}  // namespace riskd::tools
