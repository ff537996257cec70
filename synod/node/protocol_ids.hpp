// Every protocol id, in one place. Messages and timers are routed by these ids, so two protocols
// on one node must never share one: the list below is checked for duplicates at compile time.
// A new protocol adds one line here (pick a free number in its layer's range).
//
// Ranges: 1-9 membership, 40-49 RPC and channels' workloads, 50-59 mutual exclusion,
// 60-69 elections, 70-79 time, 80-89 global state, 90-99 multicast, 100-109 consensus,
// 110-119 file system.
#pragma once

#include <array>
#include <string_view>

#include "synod/core/types.hpp"

namespace synod {

#define SYNOD_PROTOCOL_IDS(X)                                  \
  X(kHeartbeatProtocol, 1, "heartbeat")                        \
  X(kRpcProtocol, 40, "rpc")                                   \
  X(kStreamProtocol, 41, "stream")                             \
  X(kMutexCentralProtocol, 50, "mutex-central")                \
  X(kMutexRicartAgrawalaProtocol, 51, "mutex-ricart-agrawala") \
  X(kMutexSuzukiKasamiProtocol, 52, "mutex-suzuki-kasami")     \
  X(kMutexTokenRingProtocol, 53, "mutex-token-ring")           \
  X(kBullyProtocol, 60, "bully")                               \
  X(kRingProtocol, 61, "ring")                                 \
  X(kCristianProtocol, 70, "cristian")                         \
  X(kBerkeleyProtocol, 71, "berkeley")                         \
  X(kNtpProtocol, 72, "ntp")                                   \
  X(kBankProtocol, 80, "bank")                                 \
  X(kBMulticastProtocol, 90, "bmulticast")

#define SYNOD_DEFINE_PROTOCOL_ID(name, value, text) inline constexpr ProtocolId name = value;
SYNOD_PROTOCOL_IDS(SYNOD_DEFINE_PROTOCOL_ID)
#undef SYNOD_DEFINE_PROTOCOL_ID

struct ProtocolIdName {
  ProtocolId id;
  std::string_view name;
};

#define SYNOD_PROTOCOL_ID_ENTRY(name, value, text) ProtocolIdName{value, text},
inline constexpr std::array kProtocolIds = {SYNOD_PROTOCOL_IDS(SYNOD_PROTOCOL_ID_ENTRY)};
#undef SYNOD_PROTOCOL_ID_ENTRY

namespace detail {
constexpr bool protocol_ids_unique() {
  for (std::size_t i = 0; i < kProtocolIds.size(); ++i) {
    if (kProtocolIds[i].id == 0) return false;  // 0 means "no protocol" in events
    for (std::size_t j = i + 1; j < kProtocolIds.size(); ++j) {
      if (kProtocolIds[i].id == kProtocolIds[j].id) return false;
      if (kProtocolIds[i].name == kProtocolIds[j].name) return false;
    }
  }
  return true;
}
}  // namespace detail
static_assert(detail::protocol_ids_unique(), "two protocols share an id or a name");

// "bully" for 60; "" for an id nobody registered.
constexpr std::string_view protocol_id_name(ProtocolId id) {
  for (const auto& p : kProtocolIds) {
    if (p.id == id) return p.name;
  }
  return {};
}

}  // namespace synod
