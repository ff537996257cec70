// Best-effort channel: a message is delivered intact or not at all. Each frame carries an
// xxhash32 checksum over header and payload (channel_frame.hpp); a frame that fails it is dropped
// and counted. No acknowledgements, no retries: messages may be lost, duplicated (when the network
// duplicates) and reordered, exactly as on the raw network, but never corrupted or misattributed.
//
// Rules (tags cited at the branches; each has a mutant, channel_catalog.cpp):
//  BE1 checksum: a frame whose checksum fails is dropped and counted (ch.corrupt), never handed up.
//  BE2 one frame per message: each accepted app send puts exactly one datagram on the network; no
//      acknowledgements, no retries.
//  BE3 no silent loss: every datagram that arrives intact is handed to the inner protocol, with
//      its sender as the network named it.
//
//   auto p = std::make_unique<BestEffortChannel>(std::move(inner), BestEffortOptions{});
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "synod/channel/channel_frame.hpp"
#include "synod/channel/channel_layer.hpp"
#include "synod/node/mutant.hpp"

namespace synod::channel {

struct BestEffortOptions {
  std::size_t max_payload = 64U << 10U;  // larger sends are rejected
  Mutant mutant = {};                    // test-only: breaks one rule above
};

struct BestEffortStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t corrupt = 0;    // failed checksum
  std::uint64_t malformed = 0;  // checksum fine, frame invalid
  std::uint64_t rejected = 0;   // app sends refused (too large, not a peer)
};

class BestEffortChannel final : public ChannelLayer {
 public:
  BestEffortChannel(std::unique_ptr<Protocol> inner, BestEffortOptions options);

  void on_start(Context& ctx) override { start(ctx, false); }
  void on_recover(Context& ctx) override { start(ctx, true); }
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) override;
  std::string status_json() const override;

  const BestEffortStats& stats() const { return stats_; }
  std::uint64_t session() const { return session_; }

 protected:
  void app_send(Context& base, NodeId to, Bytes payload) override;
  bool app_writable(NodeId to) const override;
  void on_channel_timer(Context& base, TimerTag tag) override;

 private:
  void start(Context& ctx, bool recovering);

  BestEffortOptions options_;
  FrameLimits limits_;
  std::uint64_t session_ = 0;
  std::map<NodeId, std::uint64_t> next_seq_;  // per destination, for the checker's matching
  BestEffortStats stats_;
};

}  // namespace synod::channel
