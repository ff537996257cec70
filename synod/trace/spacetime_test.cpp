// Space-time diagrams: well-formed standalone SVG/HTML, and the expected marks for a small
// hand-written trace (3 delivered messages, 2 drops, 1 crash, 1 restart, 1 partition).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "synod/trace/spacetime.hpp"

namespace synod::trace {
namespace {

const std::string kFixtures = SYNOD_TRACE_FIXTURES;

std::vector<OwnedEvent> load(const std::string& name) {
  auto t = read_trace(kFixtures + "/" + name);
  EXPECT_TRUE(t) << t.status().message();
  return t ? std::move(*t) : std::vector<OwnedEvent>{};
}

// A small XML well-formedness checker: balanced tags, quoted attributes without '<', no stray '&'
// (only the five named entities and numeric ones), one root element. Returns "" when well formed.
std::string check_xml(const std::string& s, std::map<std::string, int>* classes = nullptr) {
  std::vector<std::string> stack;
  int roots = 0;
  std::size_t i = 0;
  auto entity_ok = [&](std::size_t at) {
    static const std::regex entity(R"(^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)");
    return std::regex_search(s.begin() + static_cast<std::ptrdiff_t>(at),
                             s.begin() + static_cast<std::ptrdiff_t>(std::min(s.size(), at + 12)),
                             entity);
  };
  while (i < s.size()) {
    if (s[i] == '&') {
      if (!entity_ok(i)) return "bad entity at " + std::to_string(i);
      ++i;
      continue;
    }
    if (s[i] != '<') {
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      i = s.find("-->", i);
      if (i == std::string::npos) return "unterminated comment";
      i += 3;
      continue;
    }
    if (s.compare(i, 2, "<?") == 0 || s.compare(i, 2, "<!") == 0) {
      i = s.find('>', i) + 1;
      continue;
    }
    const std::size_t end = s.find('>', i);
    if (end == std::string::npos) return "unterminated tag";
    std::string tag = s.substr(i + 1, end - i - 1);
    i = end + 1;
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
      stack.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    static const std::regex tag_re(R"(^([A-Za-z][\w:.-]*)((\s+[\w:.-]+="[^"<]*")*)\s*$)");
    std::smatch m;
    if (!std::regex_match(tag, m, tag_re)) return "malformed tag <" + tag.substr(0, 80) + ">";
    const std::string attrs = m[2].str();
    for (std::size_t a = attrs.find('&'); a != std::string::npos; a = attrs.find('&', a + 1)) {
      if (!std::regex_search(attrs.substr(a, 12),
                             std::regex(R"(^&(amp|lt|gt|quot|apos|#[0-9]+);)"))) {
        return "bad entity in attribute";
      }
    }
    if (classes != nullptr) {
      static const std::regex class_re(R"re(\sclass="([^"]*)")re");
      std::smatch cm;
      if (std::regex_search(attrs, cm, class_re)) {
        std::istringstream words(cm[1].str());
        for (std::string w; words >> w;) ++(*classes)[w];
      }
    }
    if (stack.empty()) ++roots;
    if (!self_closing) stack.push_back(m[1].str());
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "expected one root element, got " + std::to_string(roots);
  return "";
}

TEST(XmlChecker, CatchesTheUsualMistakes) {
  EXPECT_EQ(check_xml("<svg><g a=\"1\"><line/></g></svg>"), "");
  EXPECT_NE(check_xml("<svg><g></svg>"), "");
  EXPECT_NE(check_xml("<svg>a & b</svg>"), "");
  EXPECT_NE(check_xml("<svg a=1></svg>"), "");
  EXPECT_NE(check_xml("<svg></svg><svg></svg>"), "");
}

TEST(Spacetime, SmallTraceHasTheExpectedMarks) {
  const auto trace = load("small.jsonl");
  ASSERT_FALSE(trace.empty());
  SpacetimeOptions opts;
  opts.names = {{1, "heartbeat"}};
  opts.title = "small <trace> & co";
  std::string svg;
  const SpacetimeStats st = render_svg(select_events(trace, {}), opts, svg);
  std::map<std::string, int> classes;
  ASSERT_EQ(check_xml(svg, &classes), "");
  EXPECT_EQ(st.rows, 3U);
  EXPECT_EQ(st.processes, 4U);
  EXPECT_EQ(st.arrows, 3U);
  EXPECT_EQ(st.drops, 2U);
  EXPECT_EQ(st.crashes, 1U);
  EXPECT_EQ(st.restarts, 1U);
  EXPECT_EQ(st.bands, 1U);
  EXPECT_EQ(st.observations, 2U);
  EXPECT_EQ(classes["msg"], 3);
  EXPECT_EQ(classes["drop"], 2);
  EXPECT_EQ(classes["crash"], 1);
  EXPECT_EQ(classes["restart"], 1);
  EXPECT_EQ(classes["band"], 1);
  EXPECT_EQ(classes["obs"], 2);
  EXPECT_EQ(classes["life"], 4);  // one line segment per process
  EXPECT_EQ(classes["row"], 3);
  EXPECT_EQ(classes["truncated"], 0);
  // Labels people read, hover details with clocks, an escaped title, markers for arrowheads.
  EXPECT_NE(svg.find(">suspect 3</text>"), std::string::npos);
  EXPECT_NE(svg.find(">crash</text>"), std::string::npos);
  EXPECT_NE(svg.find(">life 2</text>"), std::string::npos);
  EXPECT_NE(svg.find(">partition</text>"), std::string::npos);
  EXPECT_NE(svg.find("lamport 9, vc {1:7, 3:5}"), std::string::npos);
  EXPECT_NE(svg.find("small &lt;trace&gt; &amp; co"), std::string::npos);
  EXPECT_NE(svg.find("marker-end=\"url(#ah"), std::string::npos);
}

TEST(Spacetime, ArrowsPointForwardInBothSpacings) {
  const auto trace = load("heartbeat_faults.jsonl");
  ASSERT_FALSE(trace.empty());
  for (Spacing spacing : {Spacing::kTime, Spacing::kOrder}) {
    SpacetimeOptions opts;
    opts.spacing = spacing;
    std::string svg;
    const SpacetimeStats st = render_svg(select_events(trace, {}), opts, svg);
    ASSERT_EQ(check_xml(svg), "");
    EXPECT_GT(st.arrows, 50U);
    EXPECT_EQ(st.crashes, 1U);
    EXPECT_EQ(st.restarts, 1U);
    EXPECT_EQ(st.bands, 1U);
    const std::regex arrow(
        R"re(<g class="msg ev"><title>[^<]*</title><line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)")re");
    std::size_t arrows = 0;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), arrow);
         it != std::sregex_iterator(); ++it) {
      EXPECT_LE(std::stod((*it)[1].str()), std::stod((*it)[2].str()));
      ++arrows;
    }
    EXPECT_EQ(arrows, st.arrows);
  }
}

TEST(Spacetime, TruncationIsShownInThePicture) {
  const auto trace = load("heartbeat_faults.jsonl");
  ASSERT_FALSE(trace.empty());
  TraceWindow w;
  w.max_node_events = 40;
  const Selection sel = select_events(trace, w);
  EXPECT_TRUE(sel.truncated);
  EXPECT_EQ(sel.node_events, 40U);
  EXPECT_GT(sel.cut_events, 100U);
  std::string svg;
  render_svg(sel, {}, svg);
  std::map<std::string, int> classes;
  ASSERT_EQ(check_xml(svg, &classes), "");
  EXPECT_EQ(classes["truncated"], 1);
}

TEST(Spacetime, HtmlIsStandaloneWithLegendAndDetailsPanel) {
  const auto trace = load("small.jsonl");
  ASSERT_FALSE(trace.empty());
  std::string html;
  const SpacetimeStats st = render_html(select_events(trace, {}), {}, html);
  EXPECT_EQ(st.arrows, 3U);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("id=\"details\""), std::string::npos);
  EXPECT_NE(html.find("Legend"), std::string::npos);
  // No external resources: the only URL is the SVG namespace.
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  const std::size_t svg_begin = html.find("<svg xmlns");
  const std::size_t svg_end = html.find("</svg>\n</div>");
  ASSERT_NE(svg_begin, std::string::npos);
  ASSERT_NE(svg_end, std::string::npos);
  EXPECT_EQ(check_xml(html.substr(svg_begin, svg_end + 6 - svg_begin)), "");
}

TEST(Select, WindowNodesProtocolAndOrigin) {
  const auto trace = load("small.jsonl");
  ASSERT_FALSE(trace.empty());
  TraceWindow w;
  w.from = std::chrono::milliseconds(20);
  w.to = std::chrono::milliseconds(60);
  Selection sel = select_events(trace, w);
  EXPECT_EQ(sel.origin_ns, 0);
  ASSERT_FALSE(sel.events.empty());
  EXPECT_EQ(sel.events.front()->seq, 9U);
  EXPECT_EQ(sel.events.back()->seq, 15U);
  w = {};
  w.nodes = {3};
  sel = select_events(trace, w);
  for (const Event* e : sel.events) EXPECT_TRUE(e->node == 3 || e->node == kNoNode);
  w = {};
  w.protocol = 2;  // nothing of protocol 2: only lifecycle and network events remain
  sel = select_events(trace, w);
  for (const Event* e : sel.events) EXPECT_TRUE(e->protocol == 0) << e->seq;
  // Real runs: times are wall clock; the window counts from the first event.
  const auto skewed = load("skewed.jsonl");
  w = {};
  w.from = std::chrono::milliseconds(1);
  sel = select_events(skewed, w);
  EXPECT_EQ(sel.origin_ns, skewed.front().event.time_ns);
  EXPECT_EQ(sel.from_ns, skewed.front().event.time_ns + 1'000'000);
}

}  // namespace
}  // namespace synod::trace
