// Basic identifiers and byte containers shared by every layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace synod {

// A node's identity inside one cluster. Ids are small positive integers chosen by the operator.
using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0;

// Identifies one protocol (service) hosted on a node; messages and timers are routed by it.
using ProtocolId = std::uint16_t;

// Opaque handle of a timer, unique within one node for the node's lifetime.
using TimerId = std::uint64_t;
// Names one operator command until its reply (see Protocol::on_command); unique per node life.
using CommandId = std::uint64_t;

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string to_string(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace synod
