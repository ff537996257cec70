// Wire messages of the lock service. One envelope for all four algorithms keeps the codec, the
// per-type message counters and the decode limits in one place; each algorithm uses the fields
// its types need (documented per type below, and in docs/protocols/mutex.md).
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "synod/wire/codec.hpp"

namespace synod::mutex {

enum class MsgType : std::uint32_t {
  kHeartbeat = 1,  // gen = algorithm generation/epoch, ts = coordinator hint (central),
                   // queue = the peers the sender suspects
  // Central coordinator.
  kRequest = 2,     // gen = epoch the sender believes in
  kGrant = 3,       // gen = epoch, token = fencing token
  kRelease = 4,     // gen = epoch, token = the released grant
  kStateQuery = 5,  // gen = proposed epoch: "promise it and tell me your state"
  kState = 6,       // gen = promised epoch, flag = 1 waiting / 2 holding, token = held token
  // Ricart-Agrawala.
  kRaRequest = 7,  // ts = Lamport T of the request (the pair is (T, sender id))
  kRaReply = 8,    // ts = the T of the request answered, token = sender's Lamport clock
  // Suzuki-Kasami.
  kSkRequest = 9,  // ts = request number n (RN_j[i] = max(RN_j[i], n))
  kSkToken = 10,   // gen, token = fencing counter, ln = LN array, queue = token queue
  // Token ring.
  kRingToken = 11,  // gen, token = fencing counter
  // Token recovery (both token algorithms): fence, answer, new token.
  kProbe = 12,        // gen = proposed generation: "promise to refuse older tokens; have one?"
                      // gen = 0: a hint to the agreed node that the token may be lost
  kProbeAnswer = 13,  // gen = promised generation, flag = 1 holds the token (now of gen)
                      // ts = own satisfied request number (SK: LN entry), token = fencing counter
  kCount = 14,
};

std::string_view msg_type_name(MsgType t);

struct MutexMsg {
  std::uint32_t type = 0;
  std::uint64_t gen = 0;
  std::uint64_t ts = 0;
  std::uint64_t token = 0;
  std::uint32_t flag = 0;
  std::vector<std::uint64_t> ln;
  std::vector<std::uint32_t> queue;

  MsgType kind() const { return static_cast<MsgType>(type); }

  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&MutexMsg::type), wire::field<2>(&MutexMsg::gen),
                      wire::field<3>(&MutexMsg::ts), wire::field<4>(&MutexMsg::token),
                      wire::field<5>(&MutexMsg::flag), wire::field<6>(&MutexMsg::ln),
                      wire::field<7>(&MutexMsg::queue));
};

// Arrays (LN, queue) never exceed the largest cluster we run.
inline constexpr std::size_t kMaxMutexNodes = 4096;

}  // namespace synod::mutex
