// The runtime's causal stamp on every message: the sender's message id, Lamport clock and vector
// clock travel in front of the protocol's payload, so every protocol gets causality for free and
// real nodes' traces merge into one execution (sends matched to deliveries by message id).
//   wire: varint header length | CausalHeader (protobuf wire) | payload
// The transports never look inside; the header is added in NodeRuntime::send and removed before
// the protocol sees the payload.
#pragma once

#include <cstdint>
#include <tuple>

#include "synod/causal/vector_clock.hpp"
#include "synod/core/status.hpp"
#include "synod/wire/codec.hpp"

namespace synod::runtime {

// A header larger than this is malformed (a vector clock of 4096 nodes fits easily).
inline constexpr std::size_t kMaxCausalHeaderBytes = 64U << 10U;

struct CausalHeader {
  std::uint64_t msg_id = 0;
  std::uint64_t lamport = 0;
  Bytes vclock;  // causal::VectorClock::encode()

  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&CausalHeader::msg_id), wire::field<2>(&CausalHeader::lamport),
                      wire::field<3>(&CausalHeader::vclock));
};

struct Stamped {
  std::uint64_t msg_id = 0;
  std::uint64_t lamport = 0;
  causal::VectorClock vclock;
  ByteView payload;  // points into the decoded buffer
};

// The header alone (length prefix included): what goes in front of the payload.
Bytes causal_header(std::uint64_t msg_id, std::uint64_t lamport, const causal::VectorClock& vclock);
Bytes add_causal_header(std::uint64_t msg_id, std::uint64_t lamport,
                        const causal::VectorClock& vclock, ByteView payload);
// Bounded: any input yields a Stamped or a clear error.
Result<Stamped> strip_causal_header(ByteView message);

// Message ids unique across a cluster's lives: node (20 bits) | life (12 bits) | sequence (32).
inline std::uint64_t make_msg_id(NodeId node, std::uint32_t life, std::uint32_t seq) {
  return (static_cast<std::uint64_t>(node & 0xFFFFFU) << 44U) |
         (static_cast<std::uint64_t>(life & 0xFFFU) << 32U) | seq;
}

}  // namespace synod::runtime
