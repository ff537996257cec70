#include "synod/sim/fault_plan.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "synod/node/registry.hpp"

namespace synod::sim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  for (auto w : split(s, ' ')) {
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

std::string exact(Duration d) { return exact_duration(d); }

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Result<double> parse_number(std::string_view text, double lo, double hi, std::string_view what) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) {
    return invalid_argument(std::string(what) + ": '" + s + "' is not a number");
  }
  if (v < lo || v > hi) {
    return out_of_range(std::string(what) + ": " + s + " not in [" + number(lo) + ", " +
                        number(hi) + "]");
  }
  return v;
}

Result<NodeId> parse_node(std::string_view text, std::uint32_t nodes) {
  std::uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return invalid_argument("'" + std::string(text) + "' is not a node id");
  }
  if (v < 1 || v > nodes) {
    return out_of_range("node " + std::string(text) + " not in [1, " + std::to_string(nodes) + "]");
  }
  return v;
}

Result<std::vector<NodeId>> parse_group(std::string_view text, std::uint32_t nodes) {
  std::vector<NodeId> group;
  for (auto part : split(text, ',')) {
    auto id = parse_node(part, nodes);
    if (!id) return id.status();
    if (std::find(group.begin(), group.end(), *id) != group.end()) {
      return invalid_argument("node " + std::to_string(*id) + " twice in a group");
    }
    group.push_back(*id);
  }
  return group;
}

Result<Duration> parse_dur(std::string_view text, std::string_view what) {
  auto d = parse_duration(text);
  if (!d) return invalid_argument(std::string(what) + ": " + d.status().message());
  return d;
}

Result<Latency> parse_latency(std::string_view text) {
  Latency lat;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return invalid_argument("latency '" + std::string(text) +
                            "': use fixed:D, uniform:D..D or pareto:D..D");
  }
  const auto shape = text.substr(0, colon);
  const auto range = text.substr(colon + 1);
  if (shape == "fixed") {
    lat.shape = Latency::Shape::kFixed;
    auto d = parse_dur(range, "latency");
    if (!d) return d.status();
    lat.lo = lat.hi = *d;
  } else if (shape == "uniform" || shape == "pareto") {
    lat.shape = shape == "uniform" ? Latency::Shape::kUniform : Latency::Shape::kPareto;
    const auto dots = range.find("..");
    if (dots == std::string_view::npos) return invalid_argument("latency range needs LO..HI");
    auto lo = parse_dur(range.substr(0, dots), "latency");
    if (!lo) return lo.status();
    auto hi = parse_dur(range.substr(dots + 2), "latency");
    if (!hi) return hi.status();
    lat.lo = *lo;
    lat.hi = *hi;
  } else {
    return invalid_argument("latency shape '" + std::string(shape) +
                            "' (use fixed, uniform, pareto)");
  }
  if (lat.lo.count() < 0 || lat.hi < lat.lo) return invalid_argument("latency needs 0 <= LO <= HI");
  if (lat.hi > std::chrono::seconds(60)) return out_of_range("latency above 60s");
  return lat;
}

Status parse_link_params(std::string_view text, LinkModel& model) {
  for (auto kv : split(text, ',')) {
    if (kv.empty()) continue;
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos)
      return invalid_argument("expected key=value, got '" + std::string(kv) + "'");
    const auto key = trim(kv.substr(0, eq));
    const auto value = trim(kv.substr(eq + 1));
    if (key == "latency") {
      auto lat = parse_latency(value);
      if (!lat) return lat.status();
      model.latency = *lat;
    } else if (key == "loss" || key == "dup" || key == "reorder" || key == "corrupt") {
      auto p = parse_number(value, 0, 1, key);
      if (!p) return p.status();
      (key == "loss"      ? model.loss
       : key == "dup"     ? model.duplicate
       : key == "reorder" ? model.reorder
                          : model.corrupt) = *p;
    } else if (key == "bandwidth") {
      auto bw = parse_number(value, 0, 1e12, key);
      if (!bw) return bw.status();
      model.bandwidth_Bps = static_cast<std::uint64_t>(*bw);
    } else {
      return invalid_argument("unknown network key '" + std::string(key) +
                              "' (use latency, loss, dup, reorder, corrupt, bandwidth)");
    }
  }
  return Status::ok();
}

Result<Action> parse_action(std::string_view text, std::uint32_t nodes) {
  const auto w = words(text);
  if (w.size() < 2) return invalid_argument("expected '@TIME ACTION ...'");
  Action a;
  auto at = parse_dur(w[0].substr(1), "time");
  if (!at) return at.status();
  if (at->count() < 0) return invalid_argument("negative time");
  a.at = *at;
  const auto verb = w[1];
  auto need = [&](std::size_t n) -> Status {
    if (w.size() != n) {
      return invalid_argument("'" + std::string(verb) + "' takes " + std::to_string(n - 2) +
                              " argument(s)");
    }
    return Status::ok();
  };
  auto node_arg = [&]() -> Status {
    auto id = parse_node(w[2], nodes);
    if (!id) return id.status();
    a.node = *id;
    return Status::ok();
  };
  using K = Action::Kind;
  if (verb == "crash" || verb == "restart" || verb == "pause" || verb == "resume") {
    SYNOD_RETURN_IF_ERROR(need(3));
    SYNOD_RETURN_IF_ERROR(node_arg());
    a.kind = verb == "crash"     ? K::kCrash
             : verb == "restart" ? K::kRestart
             : verb == "pause"   ? K::kPause
                                 : K::kResume;
  } else if (verb == "heal") {
    SYNOD_RETURN_IF_ERROR(need(2));
    a.kind = K::kHeal;
  } else if (verb == "partition" || verb == "oneway") {
    SYNOD_RETURN_IF_ERROR(need(3));
    const bool oneway = verb == "oneway";
    a.kind = oneway ? K::kOneWay : K::kPartition;
    const auto parts = split(w[2], oneway ? '>' : '|');
    if (parts.size() < 2 || (oneway && parts.size() != 2)) {
      return invalid_argument(oneway ? "oneway takes FROM>TO groups"
                                     : "partition takes G|G[|G...]");
    }
    std::vector<NodeId> seen;
    for (auto p : parts) {
      auto g = parse_group(p, nodes);
      if (!g) return g.status();
      for (NodeId id : *g) {
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) {
          return invalid_argument("node " + std::to_string(id) + " in two groups");
        }
        seen.push_back(id);
      }
      a.groups.push_back(std::move(*g));
    }
  } else if (verb == "clog" || verb == "step") {
    SYNOD_RETURN_IF_ERROR(need(4));
    SYNOD_RETURN_IF_ERROR(node_arg());
    a.kind = verb == "clog" ? K::kClog : K::kStep;
    auto d = parse_dur(w[3], verb);
    if (!d) return d.status();
    if (a.kind == K::kClog && d->count() <= 0)
      return invalid_argument("clog needs a positive duration");
    a.amount = *d;
  } else if (verb == "drift") {
    SYNOD_RETURN_IF_ERROR(need(4));
    SYNOD_RETURN_IF_ERROR(node_arg());
    a.kind = K::kDrift;
    auto ppm = parse_number(w[3], -100000, 100000, "drift ppm");
    if (!ppm) return ppm.status();
    a.ppm = *ppm;
  } else {
    return invalid_argument(
        "unknown action '" + std::string(verb) +
        "' (crash, restart, pause, resume, partition, oneway, heal, clog, step, drift)");
  }
  return a;
}

Status parse_item(std::string_view item, std::uint32_t nodes, FaultPlan& plan) {
  if (item.empty() || item == "none") return Status::ok();
  if (item[0] == '@') {
    auto a = parse_action(item, nodes);
    if (!a) return a.status();
    plan.actions.push_back(std::move(*a));
    return Status::ok();
  }
  const auto w = words(item);
  if (w[0] == "link") {
    if (w.size() != 3) return invalid_argument("expected 'link A>B key=value,...'");
    const auto gt = w[1].find('>');
    if (gt == std::string_view::npos) return invalid_argument("expected 'link A>B ...'");
    auto from = parse_node(w[1].substr(0, gt), nodes);
    if (!from) return from.status();
    auto to = parse_node(w[1].substr(gt + 1), nodes);
    if (!to) return to.status();
    // A node never sends to itself over the network, so a self link would silently do nothing.
    if (*from == *to)
      return invalid_argument("link from node " + std::to_string(*from) + " to itself");
    LinkOverride o{*from, *to, plan.network};
    SYNOD_RETURN_IF_ERROR(parse_link_params(w[2], o.model));
    plan.links.push_back(o);
    return Status::ok();
  }
  if (w[0] == "clock") {
    if (w.size() != 3) return invalid_argument("expected 'clock N offset=D,drift=PPM'");
    auto id = parse_node(w[1], nodes);
    if (!id) return id.status();
    ClockSetup c{*id, Duration(0), 0};
    for (auto kv : split(w[2], ',')) {
      const auto eq = kv.find('=');
      const auto key = kv.substr(0, eq);
      const auto value = eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1);
      if (key == "offset") {
        auto d = parse_dur(value, "clock offset");
        if (!d) return d.status();
        c.offset = *d;
      } else if (key == "drift") {
        auto ppm = parse_number(value, -100000, 100000, "clock drift ppm");
        if (!ppm) return ppm.status();
        c.drift_ppm = *ppm;
      } else {
        return invalid_argument("unknown clock key '" + std::string(key) + "' (offset, drift)");
      }
    }
    plan.clocks.push_back(c);
    return Status::ok();
  }
  return parse_link_params(item, plan.network);
}

std::string link_text(const LinkModel& m) {
  std::string s = "latency=";
  switch (m.latency.shape) {
    case Latency::Shape::kFixed: s += "fixed:" + exact(m.latency.lo); break;
    case Latency::Shape::kUniform:
      s += "uniform:" + exact(m.latency.lo) + ".." + exact(m.latency.hi);
      break;
    case Latency::Shape::kPareto:
      s += "pareto:" + exact(m.latency.lo) + ".." + exact(m.latency.hi);
      break;
  }
  s += ",loss=" + number(m.loss) + ",dup=" + number(m.duplicate) + ",reorder=" + number(m.reorder);
  if (m.corrupt != 0) s += ",corrupt=" + number(m.corrupt);
  if (m.bandwidth_Bps != 0) s += ",bandwidth=" + std::to_string(m.bandwidth_Bps);
  return s;
}

std::string group_text(const std::vector<NodeId>& g) {
  std::string s;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(g[i]);
  }
  return s;
}

std::string action_text(const Action& a) {
  std::string s = "@" + exact(a.at) + " ";
  const std::string n = std::to_string(a.node);
  using K = Action::Kind;
  switch (a.kind) {
    case K::kCrash: return s + "crash " + n;
    case K::kRestart: return s + "restart " + n;
    case K::kPause: return s + "pause " + n;
    case K::kResume: return s + "resume " + n;
    case K::kHeal: return s + "heal";
    case K::kClog: return s + "clog " + n + " " + exact(a.amount);
    case K::kStep: return s + "step " + n + " " + exact(a.amount);
    case K::kDrift: return s + "drift " + n + " " + number(a.ppm);
    case K::kPartition:
    case K::kOneWay: {
      s += a.kind == K::kPartition ? "partition " : "oneway ";
      for (std::size_t i = 0; i < a.groups.size(); ++i) {
        if (i > 0) s += a.kind == K::kPartition ? '|' : '>';
        s += group_text(a.groups[i]);
      }
      return s;
    }
  }
  return s;
}

}  // namespace

std::string exact_duration(Duration d) {
  const std::int64_t ns = d.count();
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

Result<FaultPlan> parse_fault_plan(std::string_view spec, std::uint32_t nodes) {
  FaultPlan plan;
  for (auto item : split(spec, ';')) {
    Status st = parse_item(item, nodes, plan);
    if (!st.is_ok()) {
      return Status(st.code(), "faults: '" + std::string(item) + "': " + st.message());
    }
  }
  std::stable_sort(plan.actions.begin(), plan.actions.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });
  return plan;
}

std::string to_string(const FaultPlan& plan) {
  std::string s = link_text(plan.network);
  for (const auto& l : plan.links) {
    s += "; link " + std::to_string(l.from) + ">" + std::to_string(l.to) + " " + link_text(l.model);
  }
  for (const auto& c : plan.clocks) {
    s += "; clock " + std::to_string(c.node) + " offset=" + exact(c.offset) +
         ",drift=" + number(c.drift_ppm);
  }
  for (const auto& a : plan.actions) s += "; " + action_text(a);
  return s;
}

}  // namespace synod::sim
