#include "synod/timesync/clock_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace synod::timesync {

bool is_clock_option(const std::string& key) {
  return key == "step_threshold" || key == "max_slew_ppm" || key == "initial_offset" ||
         key == "initial_spread";
}

namespace {

Result<Duration> signed_duration(const ProtocolOptions& opts, const std::string& key) {
  auto it = opts.find(key);
  if (it == opts.end()) return Duration(0);
  auto d = parse_duration(it->second);
  if (!d) return invalid_argument("option " + key + ": " + d.status().message());
  // A day bounds every offset: larger values are typos, and they keep sums far from overflow.
  if (std::chrono::abs(*d) > std::chrono::hours(24)) {
    return out_of_range("option " + key + ": at most 24h either way");
  }
  return d;
}

}  // namespace

Result<ClockOptions> parse_clock_options(const ProtocolOptions& opts, const std::string& who) {
  ClockOptions o;
  if (auto it = opts.find("step_threshold"); it != opts.end()) {
    auto d = parse_duration(it->second);
    if (!d || d->count() < 0) {
      return invalid_argument(who + ": option step_threshold: not a duration >= 0");
    }
    o.discipline.step_threshold = *d;
  }
  auto slew = option_int(opts, "max_slew_ppm", 500, 1, 100'000);
  if (!slew) return slew.status();
  o.discipline.max_slew_ppm = static_cast<double>(*slew);
  auto offset = signed_duration(opts, "initial_offset");
  if (!offset) return offset.status();
  auto spread = signed_duration(opts, "initial_spread");
  if (!spread) return spread.status();
  o.initial_offset = *offset;
  o.initial_spread = std::chrono::abs(*spread);
  return o;
}

Duration initial_offset_for(const ClockOptions& o, NodeId self, std::span<const NodeId> peers) {
  if (o.initial_spread.count() == 0 || peers.empty()) return o.initial_offset;
  const auto rank = static_cast<std::int64_t>(
      std::count_if(peers.begin(), peers.end(), [self](NodeId p) { return p < self; }));
  const auto last = static_cast<std::int64_t>(peers.size());  // nodes - 1
  const std::int64_t spread = o.initial_spread.count();
  return o.initial_offset + Duration(-spread + 2 * spread * rank / last);
}

Status check_keys(const ProtocolOptions& opts, const std::string& who,
                  std::initializer_list<const char*> keys) {
  for (const auto& kv : opts) {
    const std::string& key = kv.first;  // a named variable: clang 14 cannot capture a binding
    if (is_clock_option(key)) continue;
    if (std::any_of(keys.begin(), keys.end(), [&key](const char* k) { return key == k; })) {
      continue;
    }
    std::string names;
    for (const char* k : keys) names += std::string(k) + ", ";
    return invalid_argument(who + ": unknown option '" + key + "' (" + names +
                            "step_threshold, max_slew_ppm, initial_offset, initial_spread)");
  }
  return Status();
}

Result<std::vector<NodeId>> parse_node_list(const std::string& text, const std::string& key) {
  std::vector<NodeId> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    NodeId v = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, v);
    if (ec != std::errc() || ptr != text.data() + end || v == kNoNode) {
      return invalid_argument("option " + key + ": '" + text + "' is not a list of node ids");
    }
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    pos = end + 1;
  }
  return out;
}

}  // namespace synod::timesync
