// The sending side of failure detection: a periodic timer that sends the embedding protocol's own
// heartbeat message to every peer. The detector needs only "something arrived from p", so a
// protocol may instead (or also) count its ordinary messages: call record_heartbeat on every
// delivery. The heartbeat's bytes are the protocol's business (usually a one-field message of its
// own wire type, so it multiplexes with the protocol's other messages).
//
// Each period is drawn from [0.9, 1.1] x interval with the context's rng so nodes do not fall into
// lock step; the detector's window absorbs the jitter (its std-dev floor is larger).
#pragma once

#include <cstdint>

#include "synod/core/types.hpp"
#include "synod/node/context.hpp"

namespace synod::detect {

class HeartbeatSender {
 public:
  HeartbeatSender(Duration interval, std::uint64_t timer_tag)
      : interval_(interval), tag_(timer_tag) {}

  // Arms the first timer (call from on_start/on_recover).
  void start(Context& ctx);
  void stop(Context& ctx);
  // When `tag` is this sender's timer: sends `payload` to every peer, re-arms, returns true.
  // Peers that are not writable (a channel's window is full: the peer is down or cut off) are
  // skipped: a heartbeat queued behind a full window would arrive late and only delay the
  // protocol's real messages; silence is what the detector should see.
  // Other tags return false untouched, so a protocol can try it first in its on_timer.
  bool on_timer(Context& ctx, std::uint64_t tag, const Bytes& payload);

  std::uint64_t sent() const { return sent_; }
  std::uint64_t skipped() const { return skipped_; }

 private:
  void arm(Context& ctx);

  Duration interval_;
  std::uint64_t tag_;
  TimerId timer_ = 0;
  bool running_ = false;
  std::uint64_t sent_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace synod::detect
