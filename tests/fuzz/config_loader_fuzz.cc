// Fuzz target: YAML text -> ParseConfig. The loader's contract: every
// problem is returned as a value (nothing throws, nothing crashes), and an
// accepted config dumps to YAML that parses back to the same configVersion.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  riskd::config::LoadOptions options;
  options.check_files = false;  // no file system: the text alone
  const auto result = riskd::config::ParseConfig(text, "fuzz", options);
  if (!result.ok()) {
    for (const auto& p : result.problems) {
      if (p.message.empty()) std::abort();  // a problem says what is wrong
    }
    return 0;
  }
  const auto dump = riskd::config::DumpEffective(result.config, /*redact_secrets=*/false);
  const auto again = riskd::config::ParseConfig(dump, "dump", options);
  if (!again.ok() || again.config_version != result.config_version) std::abort();
  return 0;
}
