#include "daemon/tools/labels.h"

#include <fstream>

#include "daemon/tools/time_text.h"

namespace riskd::tools {
namespace {

std::vector<std::string_view> SplitCsv(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = line.find(',', pos);
    fields.push_back(line.substr(pos, comma - pos));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return fields;
}

}  // namespace

std::string FormatLabel(const LabelRow& row) {
  std::string line = row.account;
  line += row.attacked ? ",attacked," : ",benign,";
  line += row.attack_kind;
  line += ',';
  if (row.attacked) line += FormatRfc3339(row.attack_start);
  line += '\n';
  return line;
}

Result<std::vector<LabelRow>> ReadLabels(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"io_error", "cannot open labels file " + path};
  std::vector<LabelRow> rows;
  std::string problems;
  std::string line;
  int number = 0;
  auto problem = [&](const std::string& why) {
    if (!problems.empty()) problems += "; ";
    problems += "line " + std::to_string(number) + ": " + why;
  };
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (number == 1 && line.rfind("account_id,", 0) == 0) continue;  // header
    const auto f = SplitCsv(line);
    if (f.size() != 4) {
      problem("expected 4 comma-separated fields, got " + std::to_string(f.size()));
      continue;
    }
    LabelRow row;
    row.account = std::string(f[0]);
    if (row.account.empty()) problem("empty account_id");
    if (f[1] == "attacked") {
      row.attacked = true;
      row.attack_kind = std::string(f[2]);
      auto start = ParseRfc3339(f[3]);
      if (!start.ok()) {
        problem("attack_start: " + start.error().message);
      } else {
        row.attack_start = *start;
      }
    } else if (f[1] != "benign") {
      problem("label must be attacked or benign, not \"" + std::string(f[1]) + "\"");
    }
    rows.push_back(std::move(row));
  }
  if (!problems.empty()) {
    return Error{"invalid_argument", path + ": " + problems};
  }
  return rows;
}

}  // namespace riskd::tools
