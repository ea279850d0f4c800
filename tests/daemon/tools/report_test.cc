// The HTML report: self-contained, every section present, the figures of
// the hand-built stream in it, and well-formed inline SVG.
#include <gtest/gtest.h>

#include <cctype>
#include <vector>

#include "daemon/tools/event_file.h"
#include "daemon/tools/report_html.h"
#include "labeled_stream.h"

namespace riskd::tools {
namespace {

using ConfigPtr = std::shared_ptr<const scoring::ScoringConfig>;

std::string Render(bool compare) {
  const std::string events = testing::TempPath(".jsonl");
  const std::string labels = testing::TempPath(".csv");
  testing::WriteLabeledStream(events, labels);
  std::vector<ConfigPtr> configs = {std::make_shared<const scoring::ScoringConfig>()};
  if (compare) {
    auto b = std::make_shared<scoring::ScoringConfig>();
    b->rule(scoring::RuleId::kImpossibleTravel).points = 90;
    configs.push_back(b);
  }
  auto r = ReplayFile(events, configs, *ReadLabels(labels), true);
  std::remove(events.c_str());
  std::remove(labels.c_str());
  EXPECT_TRUE(r.ok());
  ArmNames names{"live.yaml", compare ? "candidate.yaml" : "", "v1", compare ? "v2" : ""};
  std::optional<Comparison> c;
  if (compare) c = Compare(*r, r->arms[0], r->arms[1]);
  return RenderHtmlReport(*r, names, c);
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// Every <svg>…</svg> is a balanced tree of elements: a stack check over the
// tags (the charts use no comments, CDATA or processing instructions, and
// text is escaped, so every '<' starts a tag).
void ExpectWellFormedSvg(const std::string& html) {
  std::size_t start = 0;
  int charts = 0;
  while ((start = html.find("<svg", start)) != std::string::npos) {
    const std::size_t end = html.find("</svg>", start);
    ASSERT_NE(end, std::string::npos);
    const std::string svg = html.substr(start, end + 6 - start);
    std::vector<std::string> stack;
    for (std::size_t lt = svg.find('<'); lt != std::string::npos; lt = svg.find('<', lt + 1)) {
      const std::size_t gt = svg.find('>', lt);
      ASSERT_NE(gt, std::string::npos);
      const std::string tag = svg.substr(lt + 1, gt - lt - 1);
      const bool closing = !tag.empty() && tag[0] == '/';
      const bool self_closing = !tag.empty() && tag.back() == '/';
      std::size_t n = closing ? 1 : 0;
      while (n < tag.size() && std::isalpha(static_cast<unsigned char>(tag[n]))) ++n;
      const std::string name = tag.substr(closing ? 1 : 0, n - (closing ? 1 : 0));
      ASSERT_FALSE(name.empty()) << "not a tag: <" << tag << ">";
      if (closing) {
        ASSERT_FALSE(stack.empty()) << "stray </" << name << ">";
        ASSERT_EQ(stack.back(), name);
        stack.pop_back();
      } else if (!self_closing) {
        stack.push_back(name);
      }
    }
    EXPECT_TRUE(stack.empty()) << "unclosed <" << (stack.empty() ? "" : stack.back()) << ">";
    EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_EQ(svg.find("NaN"), std::string::npos);
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    ++charts;
    start = end;
  }
  EXPECT_EQ(charts, 4);  // distributions, PR curve, rules, levels
}

TEST(ReportTest, IsOneSelfContainedDocument) {
  const std::string html = Render(false);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  // The only URL is the SVG namespace.
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
}

TEST(ReportTest, HasEverySection) {
  const std::string html = Render(false);
  for (const char* id : {"stream", "backtest", "distribution", "pr", "rules", "levels", "decisions",
                         "kinds"}) {
    EXPECT_NE(html.find("<h2 id=\"" + std::string(id) + "\">"), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("id=\"comparison\""), std::string::npos);
}

TEST(ReportTest, CarriesTheBacktestFigures) {
  const std::string html = Render(false);
  // MEDIUM: TP 2, FP 3, FN 2, TN 1, precision 0.400, recall 0.500, F1 0.444.
  EXPECT_NE(html.find("<td>30</td><td>2</td><td>3</td><td>2</td><td>1</td><td>0.400</td>"
                      "<td>0.500</td><td>0.444</td>"),
            std::string::npos);
  // HIGH: precision 0.500, recall 0.250.
  EXPECT_NE(html.find("<td>60</td><td>1</td><td>1</td><td>3</td><td>2</td><td>0.500</td>"
                      "<td>0.250</td>"),
            std::string::npos);
  EXPECT_NE(html.find("7 (4 labelled attacked)"), std::string::npos);
  EXPECT_NE(html.find("configVersion v1"), std::string::npos);
  // Time to HIGH of the takeovers: a1 after 20 minutes.
  EXPECT_NE(html.find("<td>20m 0s</td>"), std::string::npos);
  // Firings: failed_login_burst fired twice, live.
  EXPECT_NE(html.find("<td class=\"l\">failed_login_burst</td><td class=\"l\">live</td><td>2</td>"),
            std::string::npos);
  ExpectWellFormedSvg(html);
}

TEST(ReportTest, ShowsTheComparison) {
  const std::string html = Render(true);
  EXPECT_NE(html.find("<h2 id=\"comparison\">"), std::string::npos);
  EXPECT_NE(html.find("2 of 7 accounts differ in peak level (2 raised, 0 lowered under B); 1 have"),
            std::string::npos);
  EXPECT_NE(html.find("acct-b3"), std::string::npos);
  EXPECT_NE(html.find("CHANGE_EMAIL via LIVE_CHAT"), std::string::npos);
  EXPECT_NE(html.find("B: candidate.yaml"), std::string::npos);
  ExpectWellFormedSvg(html);
}

TEST(ReportTest, EscapesNamesFromFiles) {
  const std::string events = testing::TempPath(".jsonl");
  const std::string labels = testing::TempPath(".csv");
  testing::WriteLabeledStream(events, labels);
  auto r = ReplayFile(events, {std::make_shared<const scoring::ScoringConfig>()}, {}, false);
  std::remove(events.c_str());
  std::remove(labels.c_str());
  ASSERT_TRUE(r.ok());
  const std::string html = RenderHtmlReport(*r, {"<b>&evil.yaml", "", "", ""}, std::nullopt);
  EXPECT_EQ(html.find("<b>&evil"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;evil.yaml"), std::string::npos);
  // Without labels: no backtest sections.
  EXPECT_EQ(html.find("id=\"backtest\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"kinds\""), std::string::npos);
}

}  // namespace
}  // namespace riskd::tools
