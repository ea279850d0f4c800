// The tools' file formats and command-line parsing: record framing, the
// labels CSV, flags.
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/tools/flags.h"
#include "daemon/tools/labels.h"
#include "daemon/tools/record_io.h"
#include "labeled_stream.h"

namespace riskd::tools {
namespace {

std::vector<std::string> ReadRecords(const std::string& path, RecordFormat format) {
  auto reader = RecordReader::Open(path, format);
  EXPECT_TRUE(reader.ok());
  std::vector<std::string> out;
  for (;;) {
    auto r = (*reader)->Next();
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok() || !r->has_value()) break;
    out.emplace_back(**r);
  }
  return out;
}

TEST(RecordIoTest, RoundTripsBothFormatsAcrossBufferBoundaries) {
  // Records of every size from 0 to ~300 KB cross the 1 MiB buffer edges.
  std::vector<std::string> records;
  for (int i = 0; i < 40; ++i) records.push_back(std::string(static_cast<std::size_t>(i) * 7919, static_cast<char>('a' + i % 26)));
  for (auto format : {RecordFormat::kJsonLines, RecordFormat::kDelimitedProto}) {
    const std::string path = testing::TempPath(".rec");
    auto writer = RecordWriter::Open(path, format);
    ASSERT_TRUE(writer.ok());
    for (const auto& r : records) (*writer)->Write(r);
    ASSERT_TRUE((*writer)->Close().ok());
    auto back = ReadRecords(path, format);
    if (format == RecordFormat::kJsonLines) {
      back.insert(back.begin(), "");  // the empty first record is a blank line, skipped
    }
    EXPECT_EQ(back, records);
    std::remove(path.c_str());
  }
}

TEST(RecordIoTest, ReportsATruncatedFrameWithItsOffset) {
  const std::string path = testing::TempPath(".pb");
  {
    std::ofstream out(path, std::ios::binary);
    out << '\x03' << "abc" << '\x05' << "ab";  // the second frame is cut short
  }
  auto reader = RecordReader::Open(path, RecordFormat::kDelimitedProto);
  ASSERT_TRUE(reader.ok());
  auto first = (*reader)->Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(**first, "abc");
  auto second = (*reader)->Next();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "malformed");
  EXPECT_NE(second.error().message.find("byte 4"), std::string::npos);
  std::remove(path.c_str());
}

TEST(RecordIoTest, ReadsALastLineWithoutNewlineAndCrLf) {
  const std::string path = testing::TempPath(".jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"a\":1}\r\n\n  \n{\"b\":2}";
  }
  EXPECT_EQ(ReadRecords(path, RecordFormat::kJsonLines),
            (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
  std::remove(path.c_str());
}

TEST(RecordIoTest, ChoosesTheFormatByExtension) {
  EXPECT_EQ(*FormatForPath("x.jsonl"), RecordFormat::kJsonLines);
  EXPECT_EQ(*FormatForPath("x.pb"), RecordFormat::kDelimitedProto);
  EXPECT_FALSE(FormatForPath("x.csv").ok());
}

TEST(LabelsTest, RoundTripsAndNamesEveryBadLine) {
  const std::string path = testing::TempPath(".csv");
  {
    std::ofstream out(path);
    out << kLabelsHeader;
    for (const LabelRow& row : testing::LabeledStreamLabels()) out << FormatLabel(row);
  }
  auto rows = ReadLabels(path);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 7u);
  EXPECT_EQ((*rows)[1].account, "acct-a2");
  EXPECT_TRUE((*rows)[1].attacked);
  EXPECT_EQ((*rows)[1].attack_kind, "takeover");
  EXPECT_EQ((*rows)[1].attack_start, testing::kT0 + scoring::kHour);
  {
    std::ofstream out(path);
    out << kLabelsHeader << "acct-1,maybe,,\nacct-2,attacked,x,yesterday\nacct-3,benign\n";
  }
  auto bad = ReadLabels(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  EXPECT_NE(bad.error().message.find("line 3"), std::string::npos);
  EXPECT_NE(bad.error().message.find("line 4"), std::string::npos);
  std::remove(path.c_str());
}

TEST(FlagsTest, ParsesBothSpellingsAndCollectsEveryProblem) {
  const char* args[] = {"--seed", "7", "--days=3", "--json", "--rate", "x", "stray", "--out"};
  Flags flags({"seed", "days", "rate", "out"}, {"json"});
  flags.Parse(8, const_cast<char**>(args));
  EXPECT_EQ(flags.Uint("seed", 0), 7u);
  EXPECT_EQ(flags.Uint("days", 0), 3u);
  EXPECT_TRUE(flags.Has("json"));
  EXPECT_EQ(flags.Double("rate", 1.5), 1.5);  // unparsable: fallback and a problem
  flags.Require("labels");
  // "stray", "--out" without a value, "--rate x", "--labels" missing.
  EXPECT_EQ(flags.problems().size(), 4u);
}

}  // namespace
}  // namespace riskd::tools
