#include "synod/snapshot/assemble.hpp"

#include "synod/snapshot/snapshot_layer.hpp"

#include <algorithm>
#include <set>

namespace synod::snapshot {
namespace {

const ChannelRecord* channel_from(const Frame& report, NodeId from) {
  for (const auto& c : report.channels) {
    if (c.from == from) return &c;
  }
  return nullptr;
}

std::uint64_t sent_to(const Frame& report, NodeId to) {
  for (const auto& s : report.sent) {
    if (s.to == to) return s.sent;
  }
  return 0;
}

std::string join(const std::vector<NodeId>& nodes) {
  std::string out;
  for (NodeId n : nodes) out += (out.empty() ? "" : ", ") + std::to_string(n);
  return out;
}

}  // namespace

GlobalState assemble(const SnapshotId& id, const std::vector<NodeId>& nodes,
                     const std::map<NodeId, Frame>& reports) {
  GlobalState gs;
  gs.id = id;
  bool overflow = false;
  for (NodeId n : nodes) {
    const auto it = reports.find(n);
    if (it == reports.end()) {
      gs.missing.push_back(n);
      continue;
    }
    gs.locals.push_back({n, it->second.nonce, it->second.state});
    overflow = overflow || it->second.overflow;
  }
  if (!gs.missing.empty()) {
    gs.reason = "timed out: no report from node(s) " + join(gs.missing);
    return gs;
  }
  std::vector<ChannelCounts> counts;
  std::set<MessageId> recorded;
  for (NodeId to : nodes) {
    const Frame& r = reports.at(to);
    for (NodeId from : nodes) {
      if (from == to) continue;
      const ChannelRecord* c = channel_from(r, from);
      counts.push_back({from, to, sent_to(reports.at(from), to), c ? c->received : 0});
      if (c == nullptr) continue;
      for (const auto& m : c->messages) {
        if (recorded.insert({from, to, m.seq}).second) {
          gs.in_channels.push_back({{from, to, m.seq}, m.payload});
        }
      }
    }
  }
  std::sort(gs.in_channels.begin(), gs.in_channels.end(),
            [](const RecordedMessage& a, const RecordedMessage& b) { return a.id < b.id; });
  const Cut cut = cut_from_counts(counts);
  const auto transit = in_transit(cut);
  gs.consistent = is_consistent(cut);
  gs.transitless = transit.empty();
  if (overflow) {
    gs.reason = "a channel state exceeded " + std::to_string(kMaxRecordedPerChannel) +
                " messages or a report exceeded " + std::to_string(kMaxReportBytes) + " bytes";
  } else if (!gs.consistent) {
    gs.reason = "inconsistent cut: " + std::to_string(inconsistent(cut).size()) +
                " message(s) received but not sent (a node restarted during the snapshot)";
  } else if (std::set<MessageId>(transit.begin(), transit.end()) != recorded) {
    gs.reason = "recorded channel states (" + std::to_string(recorded.size()) +
                " messages) differ from the messages in transit across the cut (" +
                std::to_string(transit.size()) + ")";
  } else {
    gs.complete = true;
  }
  return gs;
}

std::string global_state_json(const GlobalState& gs, const Snapshottable& app) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  std::string out = "{\"snapshot\":{\"initiator\":" + std::to_string(gs.id.initiator) +
                    ",\"seq\":" + std::to_string(gs.id.seq) + "},\"complete\":" + b(gs.complete) +
                    ",\"reason\":\"" + gs.reason + "\",\"consistent\":" + b(gs.consistent) +
                    ",\"transitless\":" + b(gs.transitless) +
                    ",\"strongly_consistent\":" + b(gs.consistent && gs.transitless) +
                    ",\"missing\":[";
  for (std::size_t i = 0; i < gs.missing.size(); ++i) {
    out += (i ? "," : "") + std::to_string(gs.missing[i]);
  }
  out += "],\"nodes\":[";
  for (std::size_t i = 0; i < gs.locals.size(); ++i) {
    out += std::string(i ? "," : "") + "{\"node\":" + std::to_string(gs.locals[i].node) +
           ",\"state\":" + app.state_json(gs.locals[i].state) + "}";
  }
  out += "],\"channels\":[";
  for (std::size_t i = 0; i < gs.in_channels.size(); ++i) {
    const auto& m = gs.in_channels[i];
    out += std::string(i ? "," : "") + "{\"from\":" + std::to_string(m.id.from) +
           ",\"to\":" + std::to_string(m.id.to) + ",\"seq\":" + std::to_string(m.id.seq) +
           ",\"message\":" + app.message_json(m.payload) + "}";
  }
  out += "],\"summary\":" + app.summary_json(gs) + "}";
  return out;
}

}  // namespace synod::snapshot
