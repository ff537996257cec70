#include "synod/mutex/silence_detector.hpp"

namespace synod::mutex {

void SilenceDetector::reset(std::span<const NodeId> peers, Duration now) {
  peers_.clear();
  for (NodeId p : peers) peers_[p] = Peer{now, false, false, false};
}

void SilenceDetector::record_heartbeat(NodeId peer, Duration now) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  it->second.last_heard = now;
  it->second.heard = true;
  it->second.heard_since_suspect = true;
}

bool SilenceDetector::adopt(NodeId peer, Duration now, Duration quiet) {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.suspected) return false;
  if (it->second.heard && now - it->second.last_heard <= quiet) return false;
  it->second.suspected = true;
  it->second.heard_since_suspect = false;
  return true;
}

std::vector<Transition> SilenceDetector::poll(Duration now) {
  std::vector<Transition> out;
  for (auto& [id, p] : peers_) {
    if (!p.suspected && now - p.last_heard > suspect_after_) {
      p.suspected = true;
      p.heard_since_suspect = false;
      out.push_back({id, true});
    } else if (p.suspected && p.heard_since_suspect) {
      p.suspected = false;
      out.push_back({id, false});
    }
  }
  return out;
}

bool SilenceDetector::heard(NodeId peer) const {
  auto it = peers_.find(peer);
  return it != peers_.end() && it->second.heard;
}

bool SilenceDetector::suspected(NodeId peer) const {
  auto it = peers_.find(peer);
  return it != peers_.end() && it->second.suspected;
}

std::vector<NodeId> SilenceDetector::suspects() const {
  std::vector<NodeId> out;
  for (const auto& [id, p] : peers_) {
    if (p.suspected) out.push_back(id);
  }
  return out;
}

}  // namespace synod::mutex
