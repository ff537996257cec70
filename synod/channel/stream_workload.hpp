// "stream": a test workload to run over a channel. Each node sends messages of random size
// (0..max_size bytes of random content) to a random peer at random times (gaps uniform in
// [0, 2 x interval]), honouring back-pressure: when the channel is not writable to the chosen
// peer it skips that send and counts it. Receivers count what arrives. The channel's own
// observations (ch.send / ch.deliver) are what the checkers read; the workload only drives.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"

namespace synod::channel {

struct StreamWorkloadOptions {
  Duration interval = std::chrono::milliseconds(50);
  std::size_t max_size = 2048;
};

struct StreamWorkloadStats {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t blocked = 0;  // sends skipped because the channel was not writable
  std::uint64_t restarted = 0;
  std::uint64_t unreachable = 0;
  std::uint64_t writable = 0;
};

class StreamWorkload final : public Protocol {
 public:
  static constexpr ProtocolId kId = kStreamProtocol;

  explicit StreamWorkload(StreamWorkloadOptions options) : options_(options) {}

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "stream"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) override;
  std::string status_json() const override;

  const StreamWorkloadStats& stats() const { return stats_; }
  // Messages received per sender (all lives together).
  const std::map<NodeId, std::uint64_t>& received_from() const { return received_from_; }

 private:
  void schedule(Context& ctx);

  StreamWorkloadOptions options_;
  StreamWorkloadStats stats_;
  std::map<NodeId, std::uint64_t> received_from_;
};

}  // namespace synod::channel
