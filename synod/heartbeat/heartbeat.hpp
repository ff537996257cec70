// Heartbeat with a gossiped counter: the first protocol, proving both drivers.
//
// Each node keeps a durable incarnation (bumped and synced on every start, so a restarted node
// is recognisably new) and a volatile counter it increments every `interval`. It gossips its table
// of (node, incarnation, counter) to `fanout` random peers. A peer whose (incarnation, counter)
// has not advanced for `timeout` on the local clock is suspected; hearing a newer value for it
// trusts it again. Observations: "incarnation" {inc}, "beat" {inc, ctr}, "learn" {peer, inc, ctr},
// "suspect" {peer}, "trust" {peer}.
//
// Rules (tags cited at the branches; each has a mutant, heartbeat_checker.cpp's catalog):
//  HB1 incarnation: every start bumps the durable incarnation and syncs it before the first beat.
//  HB2 counter: every beat (each interval, jittered by +-10%) increments the counter.
//  HB3 gossip: every beat sends the table to min(fanout, peers) distinct random peers: exactly
//      that many messages per node per interval.
//  HB4 learn: an entry is adopted only when its (incarnation, counter) is newer than the known one.
//  HB5 suspect: a peer whose entry has not advanced for `timeout` is suspected (checked per beat).
//  HB6 trust: a suspected peer whose entry advances is trusted again.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "synod/check/catalog.hpp"
#include "synod/heartbeat/heartbeat_messages.hpp"
#include "synod/node/mutant.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/node/registry.hpp"

namespace synod {

struct HeartbeatOptions {
  Duration interval = std::chrono::milliseconds(100);
  Duration timeout = std::chrono::milliseconds(1000);
  std::uint32_t fanout = 3;
  Mutant mutant = {};  // test-only: breaks one rule above
};

Result<HeartbeatOptions> parse_heartbeat_options(const ProtocolOptions& opts);

class Heartbeat final : public Protocol {
 public:
  static constexpr ProtocolId kId = kHeartbeatProtocol;

  explicit Heartbeat(HeartbeatOptions options) : options_(options) {}

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "heartbeat"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  std::string status_json() const override;

  // For tests and the CLI.
  struct PeerView {
    std::uint64_t incarnation = 0;
    std::uint64_t counter = 0;
    Time last_advance;
    bool suspected = false;
  };
  std::uint64_t incarnation() const { return incarnation_; }
  std::uint64_t counter() const { return counter_; }
  const std::map<NodeId, PeerView>& view() const { return view_; }
  std::uint64_t decode_errors() const { return decode_errors_; }

 private:
  void beat(Context& ctx);
  void check_timeouts(Context& ctx);
  void gossip(Context& ctx);

  HeartbeatOptions options_;
  std::uint64_t incarnation_ = 0;
  std::uint64_t counter_ = 0;
  std::map<NodeId, PeerView> view_;  // ordered: iteration must be deterministic
  std::uint64_t decode_errors_ = 0;
  Time now_;  // clock at the last input, for status_json
  HeartbeatGossip scratch_gossip_;
  std::vector<NodeId> scratch_targets_;
};

ProtocolSpec heartbeat_spec();

namespace heartbeat {
// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();
}  // namespace heartbeat

}  // namespace synod
