// The one frame format both channels put on the raw network (docs/protocols/channels.md).
//
// A frame is a protobuf-wire ChannelFrame followed by a 4-byte little-endian xxhash32 of those
// bytes. The checksum covers the header as well as the payload: a flipped bit in `seq` or a
// session id would be as harmful as one in the payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include "synod/core/types.hpp"
#include "synod/wire/codec.hpp"

namespace synod::channel {

enum class FrameKind : std::uint32_t {
  kData = 1,      // reliable: seq + payload on stream (src, dst)
  kAck = 2,       // reliable: cum + sack ranges for stream (dst, src)
  kNack = 3,      // reliable: "I am session src; your frame named dst, which is not me"
  kProbe = 4,     // reliable: asks the peer to announce its session (answered by a nack)
  kDatagram = 5,  // best-effort: seq + payload from session src
};

struct ChannelFrame {
  std::uint32_t kind = 0;
  std::uint64_t src = 0;  // session of the frame's sender
  std::uint64_t dst = 0;  // session the sender believes the receiver has (0 = unknown)
  std::uint64_t seq = 0;
  std::uint64_t cum = 0;            // ack: every seq <= cum was received
  std::vector<std::uint64_t> sack;  // ack: inclusive ranges lo0, hi0, lo1, hi1, ... above cum
  Bytes payload;
  std::uint64_t echo = 0;  // nack: the `dst` of the rejected frame (0 for a probe)

  static constexpr auto kFields = std::make_tuple(
      wire::field<1>(&ChannelFrame::kind), wire::field<2, wire::fixed>(&ChannelFrame::src),
      wire::field<3, wire::fixed>(&ChannelFrame::dst), wire::field<4>(&ChannelFrame::seq),
      wire::field<5>(&ChannelFrame::cum), wire::field<6>(&ChannelFrame::sack),
      wire::field<7>(&ChannelFrame::payload), wire::field<8, wire::fixed>(&ChannelFrame::echo));
};

inline constexpr std::size_t kChecksumBytes = 4;
// Upper bound of everything in a frame but the payload and the sack list (tags, varints).
inline constexpr std::size_t kFrameHeaderMax = 64;

struct FrameLimits {
  std::size_t max_payload = 64U << 10U;
  std::size_t max_sack_ranges = 16;
};

// Encodes `frame` and appends its checksum.
Bytes seal(const ChannelFrame& frame);

enum class OpenError : std::uint8_t {
  kNone,
  kCorrupt,    // too short or checksum mismatch: the network damaged it
  kMalformed,  // checksum fine but not a valid frame within limits: a buggy or hostile sender
};

struct Opened {
  OpenError error = OpenError::kNone;
  ChannelFrame frame;
};

// Verifies the checksum and decodes within `limits`. Never aborts on any input.
Opened open(ByteView bytes, const FrameLimits& limits);

// Decodes without verifying the checksum (within the default limits). Test-only: the best-effort
// channel's BE1 mutant uses it to show what trusting damaged frames would deliver.
Opened open_unchecked(ByteView bytes);

}  // namespace synod::channel
