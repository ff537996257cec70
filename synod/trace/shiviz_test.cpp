// ShiViz export: the log must pass ShiViz's own parsing rules (js/model/parser.js,
// js/model/vectorTimestamp.js, js/model/modelGraph.js in DistributedClocks/shiviz), re-checked here
// by a small emulation of its parser, plus golden output for a hand-written trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "synod/trace/shiviz.hpp"

namespace synod::trace {
namespace {

const std::string kFixtures = SYNOD_TRACE_FIXTURES;
const ProtocolNames kNames = {{1, "heartbeat"}};

std::vector<OwnedEvent> load(const std::string& name) {
  auto t = read_trace(kFixtures + "/" + name);
  EXPECT_TRUE(t) << t.status().message();
  return t ? std::move(*t) : std::vector<OwnedEvent>{};
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string export_log(const std::vector<OwnedEvent>& trace, const TraceWindow& w = {},
                       ShivizStats* stats = nullptr) {
  std::string out;
  const ShivizStats st = write_shiviz(select_events(trace, w), kNames, out);
  if (stats != nullptr) *stats = st;
  return out;
}

struct LogEvent {
  std::string host;
  std::map<std::string, std::uint64_t> clock;
  std::string text;
};

// ShiViz's parser (js/model/parser.js, js/regexp.js): the named groups of the regex become
// numbered ones, the log is trimmed, and the regex (flags "gm") is applied again and again from
// where the last match ended, so text that matches nothing is skipped. Browsers read a "{" that
// starts no quantifier as a literal; std::regex does not, so braces are escaped for it.
std::vector<LogEvent> match_like_shiviz(const std::string& regex_text, std::string log) {
  std::string pattern;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < regex_text.size(); ++i) {
    if (regex_text.compare(i, 3, "(?<") == 0) {
      const std::size_t close = regex_text.find('>', i);
      names.push_back(regex_text.substr(i + 3, close - i - 3));
      pattern += '(';
      i = close;
    } else if (regex_text[i] == '{' || regex_text[i] == '}') {
      pattern += std::string("\\") + regex_text[i];
    } else {
      pattern += regex_text[i];
    }
  }
  auto group = [&](const std::smatch& m, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << "the regex has no group " << name;
    return it == names.end() ? std::string() : m[1 + (it - names.begin())].str();
  };
  const std::size_t b = log.find_first_not_of(" \t\r\n");
  log = b == std::string::npos ? std::string() : log.substr(b);
  const std::regex re(pattern, std::regex::ECMAScript | std::regex::multiline);
  std::vector<LogEvent> events;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
       ++it) {
    const std::smatch& m = *it;
    const std::string clock = group(m, "clock");
    LogEvent ev{group(m, "host"), {}, group(m, "event")};
    EXPECT_EQ(ev.text.find('\r'), std::string::npos);
    auto j = nlohmann::json::parse(clock, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(j.is_object()) << "clock is not a JSON object: " << clock;
    if (j.is_object()) {
      for (auto c = j.begin(); c != j.end(); ++c) {
        EXPECT_TRUE(c.value().is_number_unsigned()) << clock;
        if (c.value().is_number_unsigned()) ev.clock[c.key()] = c.value().get<std::uint64_t>();
      }
    }
    events.push_back(std::move(ev));
  }
  return events;
}

// The regex ShiViz's input page uses unless told otherwise (its examples, an upload whose first
// line is empty).
constexpr const char* kShivizDefaultRegex = R"((?<event>.*)\n(?<host>\S*) (?<clock>{.*}))";

// Uploaded: line 1 is the parser regex, line 2 the execution delimiter, the rest the log. Pasted:
// the whole file goes into the log box and the regex field keeps ShiViz's default. Both must read
// the same events, every line pair, with no event text that could pass for a clock line.
std::vector<LogEvent> parse_like_shiviz(const std::string& file) {
  const std::size_t nl1 = file.find('\n');
  const std::size_t nl2 = file.find('\n', nl1 + 1);
  EXPECT_NE(nl2, std::string::npos);
  if (nl2 == std::string::npos) return {};
  const std::string regex_line = file.substr(0, nl1);
  EXPECT_EQ(regex_line, kShivizDefaultRegex);
  EXPECT_EQ(file.substr(nl1 + 1, nl2 - nl1 - 1), "") << "line 2: the delimiter (none)";
  const std::string log = file.substr(nl2 + 1);
  const std::vector<LogEvent> uploaded = match_like_shiviz(regex_line, log);
  const std::vector<LogEvent> pasted = match_like_shiviz(kShivizDefaultRegex, file);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2 * static_cast<long>(uploaded.size()))
      << "every line pair is an event";
  EXPECT_EQ(pasted.size(), uploaded.size()) << "pasting reads other events than uploading";
  for (std::size_t i = 0; i < std::min(pasted.size(), uploaded.size()); ++i) {
    EXPECT_EQ(pasted[i].text, uploaded[i].text) << "event " << i;
    EXPECT_EQ(pasted[i].host, uploaded[i].host) << "event " << i;
    EXPECT_EQ(uploaded[i].text.find(" {"), std::string::npos) << uploaded[i].text;
    EXPECT_FALSE(uploaded[i].text.empty()) << "event " << i;
  }
  return uploaded;
}

// ShiViz's model rules: a host's own entry is present and counts 1, 2, 3...; every entry names a
// host of the log and one of its events; a host's clock never goes back.
void expect_valid_clocks(const std::vector<LogEvent>& events) {
  std::map<std::string, std::uint64_t> count;
  for (const auto& e : events) ++count[e.host];
  std::map<std::string, std::map<std::string, std::uint64_t>> last;
  std::map<std::string, std::uint64_t> own;
  for (const auto& e : events) {
    ASSERT_EQ(e.clock.count(e.host), 1U) << "own entry missing: " << e.host << " " << e.text;
    EXPECT_EQ(e.clock.at(e.host), ++own[e.host]) << e.host << " " << e.text;
    for (const auto& [host, value] : e.clock) {
      ASSERT_EQ(count.count(host), 1U) << "unknown host " << host << " in clock of " << e.text;
      EXPECT_GE(value, 1U);
      EXPECT_LE(value, count[host]) << "clock refers to an event " << host << " never had";
      EXPECT_GE(value, last[e.host][host]) << "clock went back on " << e.host << ": " << e.text;
    }
    last[e.host] = e.clock;
  }
}

// Every delivery's clock dominates its send's clock (happened-before).
std::size_t expect_delivers_dominate_sends(const std::vector<LogEvent>& events) {
  const std::regex send_re(R"(^send .* to n(\d+) \[m=(\d+)\])");
  const std::regex deliver_re(R"(^deliver .* from n(\d+) \[m=(\d+)\])");
  std::map<std::pair<std::string, std::string>, const LogEvent*> sends;  // (sender node, m)
  std::size_t checked = 0;
  for (const auto& e : events) {
    std::smatch m;
    const std::string node = e.host.substr(1, e.host.find('.') - 1);
    if (std::regex_search(e.text, m, send_re)) sends[{node, m[2].str()}] = &e;
    if (!std::regex_search(e.text, m, deliver_re) ||
        e.text.find("send not in this log") != std::string::npos)
      continue;
    auto it = sends.find({m[1].str(), m[2].str()});
    if (it == sends.end()) continue;  // send written later: checked below by the two-pass loop
    for (const auto& [host, value] : it->second->clock) {
      EXPECT_GE(e.clock.count(host) ? e.clock.at(host) : 0, value)
          << e.text << " vs " << it->second->text;
    }
    ++checked;
  }
  return checked;
}

// Reference: js/model/parser.js, vectorTimestamp.js, modelGraph.js in DistributedClocks/shiviz.
TEST(Shiviz, GoldenSmallTrace) {
  const auto trace = load("small.jsonl");
  ASSERT_FALSE(trace.empty());
  ShivizStats st;
  const std::string log = export_log(trace, {}, &st);
  EXPECT_EQ(log, slurp(kFixtures + "/small.shiviz"));
  EXPECT_EQ(st.hosts, 4U);  // n1, n2, n3, n3.life2
  EXPECT_EQ(st.events, 16U);
  EXPECT_EQ(st.network_events, 4U);  // partition, heal, two drops
  const auto events = parse_like_shiviz(log);
  expect_valid_clocks(events);
  EXPECT_EQ(expect_delivers_dominate_sends(events), 3U);
}

TEST(Shiviz, SimulatedHeartbeatWithFaultsFollowsShivizRules) {
  const auto trace = load("heartbeat_faults.jsonl");
  ASSERT_FALSE(trace.empty());
  ShivizStats st;
  const auto events = parse_like_shiviz(export_log(trace, {}, &st));
  EXPECT_EQ(events.size(), st.events);
  expect_valid_clocks(events);
  EXPECT_GT(expect_delivers_dominate_sends(events), 50U);
  std::set<std::string> hosts;
  for (const auto& e : events) hosts.insert(e.host);
  EXPECT_EQ(hosts, (std::set<std::string>{"n1", "n2", "n3", "n3.life2"}));
  EXPECT_EQ(st.unmatched_delivers, 0U);
}

TEST(Shiviz, WindowCutsSendsOffAndDeliveriesBecomeLocal) {
  const auto trace = load("heartbeat_faults.jsonl");
  ASSERT_FALSE(trace.empty());
  TraceWindow w;
  w.from = std::chrono::milliseconds(950);
  w.to = std::chrono::milliseconds(1400);
  ShivizStats st;
  const auto events = parse_like_shiviz(export_log(trace, w, &st));
  expect_valid_clocks(events);
  expect_delivers_dominate_sends(events);
  // A delivery right at 950ms whose send happened before the window has nothing to merge.
  w.from = std::chrono::nanoseconds(trace[trace.size() / 2].event.time_ns);
  const auto events2 = parse_like_shiviz(export_log(trace, w, &st));
  expect_valid_clocks(events2);
}

// Real runs: per-node traces merged by wall clock, where a skewed clock puts a delivery before
// its send. Message ids are per sender (both nodes use m=1 here).
TEST(Shiviz, SkewedWallClocksStillGiveCausalClocks) {
  const auto trace = load("skewed.jsonl");
  ASSERT_FALSE(trace.empty());
  auto merged_copy = trace;
  auto merged = merge_traces({std::move(merged_copy)});
  ShivizStats st;
  const std::string log = export_log(merged, {}, &st);
  const auto events = parse_like_shiviz(log);
  expect_valid_clocks(events);
  EXPECT_EQ(expect_delivers_dominate_sends(events), 2U);
  EXPECT_EQ(st.unmatched_delivers, 0U);
  EXPECT_TRUE(std::regex_search(
      log, std::regex(R"(deliver heartbeat 4B from n1 \[m=1\][^\n]*\nn2 \{"n2":2,"n1":2\}\n)")))
      << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(\ndeliver[^\n]*\nn1 \{"n1":3,"n2":3\}\n)")))
      << log;
}

TEST(Shiviz, UnstampedTraceMatchesMessagesInFifoOrder) {
  std::vector<OwnedEvent> trace(4);
  const EventKind kinds[] = {EventKind::kSend, EventKind::kSend, EventKind::kDeliver,
                             EventKind::kDeliver};
  for (std::size_t i = 0; i < trace.size(); ++i) {
    Event& e = trace[i].event;
    e.seq = i + 1;
    e.time_ns = static_cast<std::int64_t>(i) * 1000;
    e.kind = kinds[i];
    e.node = i < 2 ? 1 : 2;
    e.peer = i < 2 ? 2 : 1;
    e.protocol = 1;
  }
  const std::string log = export_log(trace);
  const auto events = parse_like_shiviz(log);
  expect_valid_clocks(events);
  ASSERT_EQ(events.size(), 4U);
  EXPECT_EQ(events[2].clock.at("n1"), 1U);  // first delivery belongs to the first send
  EXPECT_EQ(events[3].clock.at("n1"), 2U);
}

}  // namespace
}  // namespace synod::trace
