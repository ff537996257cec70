// Wire messages of the lock service. One envelope for all four algorithms keeps the codec, the
// per-type message counters and the decode limits in one place, but every field has one meaning
// in every message type that carries it (a field a type does not use stays 0 and costs nothing
// on the wire), and each flag has its own enum: a STATE answer's StateReply, a PROBE_ANSWER's
// ProbeReply. docs/protocols/mutex.md lists the fields each type carries.
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "synod/wire/codec.hpp"

namespace synod::mutex {

enum class MsgType : std::uint32_t {
  kHeartbeat = 1,  // suspects; epoch + coordinator (central), generation (token algorithms),
                   // clock (Ricart-Agrawala)
  // Central coordinator.
  kRequest = 2,     // epoch the sender believes in
  kGrant = 3,       // epoch, fencing
  kRelease = 4,     // epoch, fencing (of the released grant)
  kStateQuery = 5,  // epoch proposed: "promise it and tell me your state"
  kState = 6,       // epoch promised (or the newer one that refused), state, fencing (if held)
  // Ricart-Agrawala.
  kRaRequest = 7,  // request_ts (the pair is (request_ts, sender id))
  kRaReply = 8,    // request_ts of the request answered, clock
  // Suzuki-Kasami.
  kSkRequest = 9,  // request_number (RN_j[i] = max(RN_j[i], n)), retry
  kSkToken = 10,   // generation, counter, ln, queue
  // Token ring.
  kRingToken = 11,  // generation, counter
  // Token recovery (both token algorithms): fence, answer, new token.
  kProbe = 12,        // generation proposed: "promise to refuse older tokens; have one?";
                      // generation 0: a hint to the agreed node that the token may be lost
  kProbeAnswer = 13,  // generation promised (or the newer one that refused), probe, satisfied
  kCount = 14,
};

std::string_view msg_type_name(MsgType t);

// A STATE answer to a central coordinator's STATE_QUERY.
enum class StateReply : std::uint32_t {
  kIdle = 0,
  kWaiting = 1,
  kHolding = 2,  // `fencing` is the held grant's token
  kRefused = 3,  // promised a newer epoch (`epoch` says which)
};

// A PROBE_ANSWER to a token-recovery PROBE.
enum class ProbeReply : std::uint32_t {
  kNoToken = 0,
  kHasToken = 1,  // the answerer converted its token to the probe's generation
  kRefused = 2,   // promised this generation or a newer one (`generation` says which)
};

struct MutexMsg {
  std::uint32_t type = 0;                   // MsgType
  std::uint64_t epoch = 0;                  // central: coordinator epoch
  std::uint64_t generation = 0;             // token algorithms: token generation
  std::uint64_t fencing = 0;                // central: a grant's fencing token
  std::uint64_t counter = 0;                // token algorithms: the token's fencing counter
  std::uint64_t request_ts = 0;             // RA: Lamport T of the request
  std::uint64_t clock = 0;                  // RA: the sender's Lamport clock
  std::uint64_t request_number = 0;         // SK: the sender's request number
  std::uint64_t satisfied = 0;              // SK: the answerer's last satisfied request
  std::uint32_t coordinator = 0;            // central heartbeat: the sender leads (its id)
  StateReply state = StateReply::kIdle;     // kState only
  ProbeReply probe = ProbeReply::kNoToken;  // kProbeAnswer only
  bool retry = false;                       // kSkRequest: repeated after token_timeout
  std::vector<std::uint64_t> ln;            // kSkToken: LN
  std::vector<std::uint32_t> queue;         // kSkToken: the token's queue
  std::vector<std::uint32_t> suspects;      // kHeartbeat: the peers the sender suspects

  MsgType kind() const { return static_cast<MsgType>(type); }

  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&MutexMsg::type), wire::field<2>(&MutexMsg::epoch),
                      wire::field<3>(&MutexMsg::generation), wire::field<4>(&MutexMsg::fencing),
                      wire::field<5>(&MutexMsg::counter), wire::field<6>(&MutexMsg::request_ts),
                      wire::field<7>(&MutexMsg::clock), wire::field<8>(&MutexMsg::request_number),
                      wire::field<9>(&MutexMsg::satisfied), wire::field<10>(&MutexMsg::coordinator),
                      wire::field<11>(&MutexMsg::state), wire::field<12>(&MutexMsg::probe),
                      wire::field<13>(&MutexMsg::retry), wire::field<14>(&MutexMsg::ln),
                      wire::field<15>(&MutexMsg::queue), wire::field<16>(&MutexMsg::suspects));
};

// Builds a message of type `t` (fields are then set by name).
inline MutexMsg make_msg(MsgType t) {
  MutexMsg m;
  m.type = static_cast<std::uint32_t>(t);
  return m;
}

// Arrays (LN, queues) never exceed the largest cluster we run.
inline constexpr std::size_t kMaxMutexNodes = 4096;

}  // namespace synod::mutex
