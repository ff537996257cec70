// What travels inside a frame between two runtime nodes.
//
// TCP: the dialing side's first frame on a connection is a Hello; every later frame is a Data.
// UDP: each datagram is one frame holding a Datagram (sender and cluster travel with every message
// because there is no connection to remember them). Integers are big-endian.
//   Hello    u8 kind=1, u8 version, u32 sender, u16 cluster length, cluster name bytes
//   Data     u8 kind=2, u16 protocol, payload
//   Datagram u8 kind=3, u8 version, u32 sender, u32 checksum32(cluster name), u16 protocol, payload
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod::runtime {

inline constexpr std::uint8_t kEnvelopeVersion = 1;
inline constexpr std::size_t kMaxClusterNameBytes = 64;
inline constexpr std::size_t kDataHeaderBytes = 3;
inline constexpr std::size_t kDatagramHeaderBytes = 12;

struct Hello {
  NodeId sender = kNoNode;
  std::string cluster;
};

// Payloads are views into the decoded frame (valid while it is): a large message is not copied.
struct DataMsg {
  ProtocolId protocol = 0;
  ByteView payload;
};

struct Datagram {
  NodeId sender = kNoNode;
  std::uint32_t cluster_hash = 0;
  ProtocolId protocol = 0;
  ByteView payload;
};

using Envelope = std::variant<Hello, DataMsg, Datagram>;

Bytes encode_hello(const Hello& h);
Bytes encode_data(ProtocolId protocol, ByteView payload);
Bytes encode_datagram(NodeId sender, std::uint32_t cluster_hash, ProtocolId protocol,
                      ByteView payload);
std::uint32_t cluster_hash(const std::string& cluster);

// Any byte string decodes to an envelope or a clear error (never a crash).
Result<Envelope> decode_envelope(ByteView frame);

}  // namespace synod::runtime
