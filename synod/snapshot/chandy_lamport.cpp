// The marker rules and the initiator's collection (see snapshot_layer.hpp, "Chandy-Lamport").
#include "synod/snapshot/assemble.hpp"
#include "synod/snapshot/snapshot_layer.hpp"

namespace synod::snapshot {
namespace {

std::int64_t field(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace

bool SnapshotLayer::initiate(Context& ctx, CommandId cmd) {
  base_ = &ctx;
  if (open_.size() >= kMaxOpenSnapshots) return false;
  // The counter is durable before its id is used, so no two lives reuse a snapshot id.
  const SnapshotCounter next{counter_ + 1};
  if (!persist(ctx, kCounterKey, wire::encode(next)) || !ctx.storage().sync().is_ok()) {
    ++stats_.storage_errors;
    return false;
  }
  counter_ = next.last;
  const SnapshotId id{ctx.self(), counter_};
  ++stats_.started;
  ctx.observe("snap.start", {{"init", id.initiator}, {"sid", field(id.seq)}});
  collecting_[id].cmd = cmd;
  record(ctx, id);
  maybe_report(ctx, id);
  return true;
}

// Marker sending rule (CL1, CL2): record the local state, start recording every incoming
// channel, and send one marker on every outgoing channel before sending anything else on it.
void SnapshotLayer::record(Context& base, const SnapshotId& id) {
  Open o;
  o.state = app_->record_state();
  for (NodeId peer : base.peers()) {
    o.sent.push_back({peer, out_[peer].next_seq - 1});
    o.received[peer] = in_[peer].received;
    o.channels[peer] = {};
  }
  open_[id] = std::move(o);
  ++stats_.recorded;
  base.observe("snap.record",
               {{"init", id.initiator}, {"sid", field(id.seq)}, {"nonce", field(nonce_)}});
  arm_timeout(base, id);
  Frame marker;
  marker.kind = static_cast<std::uint32_t>(FrameKind::kMarker);
  marker.initiator = id.initiator;
  marker.snapshot = id.seq;
  for (NodeId peer : base.peers()) {
    // CL2: one marker per outgoing channel, observed so the marker checker can count them.
    if (options_.mutant.breaks("CL2") && peer == base.peers().back()) continue;
    base.observe("snap.marker", {{"init", id.initiator}, {"sid", field(id.seq)}, {"to", peer}});
    send_frame(base, peer, marker);
  }
}

// Marker receiving rule (CL3, CL4): the first marker of a snapshot records the state and leaves
// that channel empty; a later one closes its channel's recording.
void SnapshotLayer::on_marker(Context& base, NodeId from, const SnapshotId& id) {
  if (id.initiator != base.self() && out_.count(id.initiator) == 0) {
    ++stats_.malformed;
    return;
  }
  if (finished_.count(id) != 0) {
    ++stats_.markers_ignored;
    return;
  }
  auto it = open_.find(id);
  if (it == open_.end()) {
    if (open_.size() >= kMaxOpenSnapshots) {
      ++stats_.markers_ignored;  // the snapshot will time out at its initiator
      return;
    }
    record(base, id);  // CL3
    it = open_.find(id);
    // CL3: the channel the first marker came on is empty (mutant: it stays open).
    if (options_.mutant.breaks("CL3")) return;
  }
  // CL3 / CL4: the marker closes its channel (mutant CL4: only the first marker does).
  if (!options_.mutant.breaks("CL4") || it->second.channels[from].messages.empty()) {
    it->second.channels[from].closed = true;
  }
  maybe_report(base, id);
}

void SnapshotLayer::maybe_report(Context& base, const SnapshotId& id) {
  const auto it = open_.find(id);
  if (it == open_.end()) return;
  Open& o = it->second;
  for (const auto& [peer, ch] : o.channels) {
    if (!ch.closed) return;
  }
  if (options_.mutant.breaks("CL5")) return;  // CL5: every channel closed: report
  Frame r;
  r.kind = static_cast<std::uint32_t>(FrameKind::kReport);
  r.initiator = id.initiator;
  r.snapshot = id.seq;
  r.nonce = nonce_;
  r.state = std::move(o.state);
  r.sent = std::move(o.sent);
  r.overflow = o.overflow;
  for (auto& [peer, ch] : o.channels) r.channels.push_back({peer, o.received[peer], ch.messages});
  if (wire::encoded_size(r) > kMaxReportBytes) {
    r.overflow = true;
    r.state.clear();
    for (auto& c : r.channels) c.messages.clear();
  }
  forget(id);
  if (id.initiator == base.self()) {
    on_report(base, base.self(), r);
  } else {
    disarm_timeout(base, id);
    send_frame(base, id.initiator, r);
  }
}

void SnapshotLayer::forget(const SnapshotId& id) {
  open_.erase(id);
  if (!finished_.insert(id).second) return;
  finished_order_.push_back(id);
  if (finished_order_.size() > kFinishedMemory) {
    finished_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

void SnapshotLayer::on_report(Context& base, NodeId from, Frame& f) {
  const SnapshotId id{f.initiator, f.snapshot};
  if (id.initiator != base.self()) {
    ++stats_.malformed;
    return;
  }
  const auto it = collecting_.find(id);
  if (it == collecting_.end()) return;  // already finished or aborted
  it->second.reports.try_emplace(from, std::move(f));
  if (it->second.reports.size() == base.peers().size() + 1) finish(base, id);
}

void SnapshotLayer::finish(Context& base, const SnapshotId& id) {
  const auto it = collecting_.find(id);
  if (it == collecting_.end()) return;
  std::vector<NodeId> nodes(base.peers().begin(), base.peers().end());
  nodes.push_back(base.self());
  std::sort(nodes.begin(), nodes.end());
  const GlobalState gs = assemble(id, nodes, it->second.reports);
  const CommandId cmd = it->second.cmd;
  collecting_.erase(it);
  disarm_timeout(base, id);
  if (gs.complete) {
    ++stats_.completed;
    base.observe("snap.done", {{"init", id.initiator},
                               {"sid", field(id.seq)},
                               {"transit", static_cast<std::int64_t>(gs.in_channels.size())}});
  } else {
    ++stats_.aborted;
    base.observe("snap.abort", {{"init", id.initiator},
                                {"sid", field(id.seq)},
                                {"missing", static_cast<std::int64_t>(gs.missing.size())},
                                {"consistent", gs.consistent ? 1 : 0}});
  }
  app_->on_global_state(inner_context(base), gs);
  if (cmd != 0) base.reply(cmd, global_state_json(gs, *app_));
}

void SnapshotLayer::on_timeout(Context& base, const SnapshotId& id) {
  if (options_.mutant.breaks("CL6")) return;  // CL6: a snapshot missing a report is aborted
  if (open_.count(id) != 0) forget(id);       // a participant gives up its recording
  if (collecting_.count(id) != 0) finish(base, id);
}

}  // namespace synod::snapshot
