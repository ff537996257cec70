// "stream": a test workload to run over a channel. Each node sends messages of random size to a
// random peer at random times (gaps uniform in [0, 2 x interval]), honouring back-pressure: when
// the channel is not writable to the chosen peer it skips that send and counts it.
//
// The workload is the ground truth the channel checkers judge by (channel_checker.hpp): every
// message carries, inside its own payload, a header the channel never looks at:
//   [life: 8 bytes][seq: 8][sender: 4][receiver: 4][random body: 0..max_size bytes]  (LE)
// where `life` is a random number drawn by each life of the workload and `seq` counts that
// life's messages to that receiver (1, 2, 3 ...). The workload observes what it SENT and what it
// RECEIVED, hashing the bytes it actually got, so a checker compares the application's two ends
// instead of believing the channel's own ch.send / ch.deliver:
//   stream.life    {life}                                   a life of the workload began
//   stream.send    {peer, life, seq, hash}                  handed to the channel for `peer`
//   stream.recv    {peer, sender, to, life, seq, hash}      got from the channel; `peer` is who
//                                                           the channel said sent it, the rest
//                                                           is read from the payload
//   stream.garbage {peer, bytes}                            got bytes too short for the header
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"

namespace synod::channel {

inline constexpr std::size_t kStreamHeaderBytes = 24;

inline constexpr std::string_view kObsStreamLife = "stream.life";
inline constexpr std::string_view kObsStreamSend = "stream.send";
inline constexpr std::string_view kObsStreamRecv = "stream.recv";
inline constexpr std::string_view kObsStreamGarbage = "stream.garbage";

struct StreamWorkloadOptions {
  Duration interval = std::chrono::milliseconds(50);
  std::size_t max_size = 2048;  // of the random body; the header comes on top
};

struct StreamWorkloadStats {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t blocked = 0;  // sends skipped because the channel was not writable
  std::uint64_t restarted = 0;
  std::uint64_t unreachable = 0;
  std::uint64_t writable = 0;
  std::uint64_t garbage = 0;  // messages too short to carry the header
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
  std::uint64_t life_ = 0;
  std::map<NodeId, std::uint64_t> next_seq_;  // this life's messages per receiver
  std::map<NodeId, std::uint64_t> received_from_;
};

}  // namespace synod::channel
