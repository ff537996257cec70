// B-multicast (basic, best-effort multicast; Coulouris et al. 15.4.1) to the group of all nodes,
// over the best-effort checksummed channel, with a random workload: every node B-multicasts a
// message of random content every `interval` on average (gaps uniform in [0, 2 x interval]).
//
// Rules (the tags the branches cite and the mutants break):
//  BM1 To B-multicast m, a member sends m once to every other member of the group.
//  BM2 ... and B-delivers m to itself at once (validity: a correct sender delivers its own m).
//  BM3 On receiving m, a member B-delivers it unless it has delivered m before (integrity: at
//      most once; the network may duplicate). Messages are named (sender, sender life, seq); a
//      receiver remembers, per sender life, every seq below a watermark plus a window of
//      `window` seqs above it, so its memory per sender life is bounded; a message below the
//      watermark is dropped and counted (B-multicast may lose messages, never deliver one
//      twice). Memory grows with the number of sender lives (restarts), not with traffic.
//  BM4 A delivered message is the message sent: intact or not at all (the channel's checksum
//      drops a corrupted frame).
// Message count: exactly n-1 network messages per multicast in a group of n, whatever the
// faults (sends are sends; the network may then lose some). No agreement: a lost message is lost.
//
// Observations: "mc.send" {life, seq, hash}; "mc.deliver" {from, life, seq, hash}; "mc.stale"
// {from, seq} for a message dropped below the watermark.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "synod/node/mutant.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"

namespace synod::multicast {

struct BMulticastOptions {
  Duration interval = std::chrono::milliseconds(100);
  std::size_t max_size = 512;   // payload bytes, uniform in [0, max_size]
  std::uint64_t window = 1024;  // seqs remembered above the watermark, per sender life
  Mutant mutant;                // test-only (synod/node/mutant.hpp)
};

class BMulticast final : public Protocol {
 public:
  static constexpr ProtocolId kId = kBMulticastProtocol;

  explicit BMulticast(BMulticastOptions options) : options_(std::move(options)) {}

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "bmulticast"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  std::string status_json() const override;

 private:
  // What a receiver remembers of one sender life (BM3).
  struct Seen {
    std::uint64_t below = 1;        // every seq < below was delivered (or is too old to be)
    std::set<std::uint64_t> above;  // delivered seqs >= below, all < below + window
  };
  enum class Timer : std::uint8_t { kMulticast };

  void multicast(Context& ctx);
  enum class Arrival : std::uint8_t { kNew, kDuplicate, kStale };
  // Whether (life, seq) from `from` is new, and if so marks it delivered (BM3).
  Arrival arrive(NodeId from, std::uint64_t life, std::uint64_t seq);
  void schedule(Context& ctx);

  BMulticastOptions options_;
  std::uint64_t life_ = 0;  // random per life: a restarted sender's seqs are new messages
  std::uint64_t next_seq_ = 1;
  std::map<std::pair<NodeId, std::uint64_t>, Seen> seen_;
  std::uint64_t sent_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t stale_ = 0;  // below the watermark: delivered before, or too old
  std::uint64_t malformed_ = 0;
};

}  // namespace synod::multicast
