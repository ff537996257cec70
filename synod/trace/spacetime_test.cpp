// Space-time diagrams: well-formed standalone SVG/HTML, and the expected marks for a small
// hand-written trace (3 delivered messages, 2 drops, 1 crash, 1 restart, 1 partition).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
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

// Issue 11: a node killed with SIGKILL writes no crash; its trace stops. The diagram infers the
// crash from the end of its trace and its peers' suspicion, and what the others keep sending to it
// is drawn as lost, not as messages "outside the window".
TEST(Spacetime, KilledNodeGetsAnInferredCrashAndItsUnansweredSendsAreLost) {
  const auto trace = load("killed.jsonl");
  ASSERT_FALSE(trace.empty());
  const Selection sel = select_events(trace, {});
  ASSERT_EQ(sel.inferred_crashes.size(), 1U);
  const InferredCrash& c = sel.inferred_crashes.front();
  EXPECT_EQ(c.last->node, 3U);
  EXPECT_EQ(c.last->time_ns - sel.origin_ns, 52'000'000);  // its last delivery
  EXPECT_EQ(c.suspected_by, 1U);
  EXPECT_EQ(c.suspected_ns - sel.origin_ns, 80'000'000);
  EXPECT_EQ(c.next_life_ns, -1);
  std::string svg;
  const SpacetimeStats st = render_svg(sel, {}, svg);
  std::map<std::string, int> classes;
  ASSERT_EQ(check_xml(svg, &classes), "");
  EXPECT_EQ(st.crashes, 0U);  // nothing recorded one
  EXPECT_EQ(st.inferred_crashes, 1U);
  EXPECT_EQ(classes["crash-inferred"], 1);
  EXPECT_NE(svg.find(">crash (inferred)</text>"), std::string::npos);
  EXPECT_NE(svg.find("inferred crash (trace ends, peers suspect it)"), std::string::npos);
  // n1 and n2 send to n3 every 10 ms from 60 to 150 ms: 2 x 10 sends, all lost.
  EXPECT_EQ(st.lost, 20U);
  EXPECT_EQ(classes["msg-lost"], 20);
  // n3's own last sends (at 50 ms, never delivered) are the only stubs left.
  EXPECT_EQ(classes["msg-out"], 2);
  // n3's line ends at the mark instead of running to the right edge.
  const std::regex n3_line(
      R"re(<line class="life" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="[\d.]+" stroke="#b07aa1")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, n3_line));
  const std::regex mark(
      R"re(<g class="crash-inferred ev"><title>[^<]*</title><circle cx="([\d.]+)")re");
  std::smatch mm;
  ASSERT_TRUE(std::regex_search(svg, mm, mark));
  EXPECT_EQ(m[3].str(), mm[1].str());
  // The HTML page says so too.
  std::string html;
  render_html(sel, {}, html);
  EXPECT_NE(html.find("1 inferred crashes"), std::string::npos);
  EXPECT_NE(html.find("inferred crash: the trace ends"), std::string::npos);
}

// A clean stop ends every trace at once: nobody suspects anybody, nothing is inferred.
TEST(Spacetime, NoInferredCrashWithoutSuspicion) {
  auto trace = load("killed.jsonl");
  ASSERT_FALSE(trace.empty());
  TraceWindow w;
  std::vector<OwnedEvent> before_suspicion;
  for (auto& e : trace) {
    if (e.event.time_ns - trace.front().event.time_ns < 70'000'000) {
      before_suspicion.push_back(std::move(e));
    }
  }
  const Selection sel = select_events(before_suspicion, w);
  EXPECT_TRUE(sel.inferred_crashes.empty());
  std::string svg;
  const SpacetimeStats st = render_svg(sel, {}, svg);
  EXPECT_EQ(st.inferred_crashes, 0U);
  EXPECT_EQ(st.lost, 0U);
}

// Issue 11: the restart mark is never hidden under observation dots. The new life observes
// "trust" and "leader" at the very instant of the restart.
TEST(Spacetime, RestartMarkIsDrawnAboveObservations) {
  const auto trace = load("restart_observed.jsonl");
  ASSERT_FALSE(trace.empty());
  for (Spacing spacing : {Spacing::kTime, Spacing::kOrder}) {
    SpacetimeOptions opts;
    opts.spacing = spacing;
    std::string svg;
    const SpacetimeStats st = render_svg(select_events(trace, {}), opts, svg);
    ASSERT_EQ(check_xml(svg), "");
    ASSERT_EQ(st.restarts, 1U);
    EXPECT_EQ(st.observations, 2U);
    const std::size_t restart = svg.find("<g class=\"restart ev\">");
    ASSERT_NE(restart, std::string::npos);
    // Later in the document is on top: no observation dot after the restart.
    EXPECT_EQ(svg.find("class=\"obs", restart), std::string::npos);
    EXPECT_NE(svg.find(">restart</text>"), std::string::npos) << "the restart keeps its label";
    // The two observations made at the restart's instant are moved off it, not under it.
    const std::regex restart_at(
        R"re(<g class="restart ev"><title>[^<]*</title><circle cx="([\d.]+)" cy="([\d.]+)")re");
    std::smatch r;
    ASSERT_TRUE(std::regex_search(svg, r, restart_at));
    const double rx = std::stod(r[1].str());
    const double ry = std::stod(r[2].str());
    const std::regex obs_at(
        R"re(<g class="obs ev"><title>t=40ms n2[^<]*</title><circle cx="([\d.]+)" cy="([\d.]+)")re");
    std::size_t at_restart = 0;
    std::vector<double> xs;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), obs_at);
         it != std::sregex_iterator(); ++it) {
      const double ox = std::stod((*it)[1].str());
      const double oy = std::stod((*it)[2].str());
      ++at_restart;
      EXPECT_GE(std::hypot(ox - rx, oy - ry), 9.2) << "observation dot overlaps the restart mark";
      for (double other : xs) EXPECT_GE(std::abs(other - ox), 8.4) << "dots on top of each other";
      xs.push_back(ox);
    }
    EXPECT_EQ(at_restart, 2U);
  }
}

// Issue 11: when --max-events cuts, the picture keeps the moments it is for (here the crash and
// the restart, 500 ms after the first events), not the first events of the window.
TEST(Spacetime, CapKeepsTheEventsAroundCrashesAndRestarts) {
  const auto trace = load("heartbeat_faults.jsonl");
  ASSERT_FALSE(trace.empty());
  TraceWindow w;
  w.max_node_events = 60;
  const Selection sel = select_events(trace, w);
  EXPECT_TRUE(sel.truncated);
  EXPECT_TRUE(sel.around_moments);
  EXPECT_EQ(sel.node_events, 60U);
  std::set<EventKind> kinds;
  for (const Event* e : sel.events) kinds.insert(e->kind);
  EXPECT_EQ(kinds.count(EventKind::kCrash), 1U);
  EXPECT_EQ(kinds.count(EventKind::kRecover), 1U);
  EXPECT_EQ(kinds.count(EventKind::kHeal), 1U);
  EXPECT_FALSE(sel.gaps.empty());
  std::size_t cut = 0;
  for (const auto& g : sel.gaps) cut += g.events;
  EXPECT_EQ(cut, sel.cut_events);
  std::string svg;
  const SpacetimeStats st = render_svg(sel, {}, svg);
  std::map<std::string, int> classes;
  ASSERT_EQ(check_xml(svg, &classes), "");
  EXPECT_EQ(st.crashes, 1U);
  EXPECT_EQ(st.restarts, 1U);
  EXPECT_EQ(classes["cut"], static_cast<int>(sel.gaps.size()));
  EXPECT_NE(svg.find("events left out by --max-events"), std::string::npos);
}

// A killed node's last event is a moment too: a cap keeps the kill and the suspicions.
TEST(Spacetime, CapKeepsTheKillAndTheSuspicion) {
  const auto trace = load("killed.jsonl");
  TraceWindow w;
  w.max_node_events = 30;
  const Selection sel = select_events(trace, w);
  ASSERT_EQ(sel.inferred_crashes.size(), 1U);
  EXPECT_NE(std::find(sel.events.begin(), sel.events.end(), sel.inferred_crashes[0].last),
            sel.events.end());
  std::size_t suspicions = 0;
  for (const Event* e : sel.events) suspicions += e->what == "suspect" ? 1 : 0;
  EXPECT_EQ(suspicions, 2U);
  std::string svg;
  EXPECT_EQ(render_svg(sel, {}, svg).inferred_crashes, 1U);
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
