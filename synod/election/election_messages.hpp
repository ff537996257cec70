// Wire messages of the elections. One message type for both algorithms keeps the codec small:
// `type` says which of the textbook messages it is. Every message also carries the sender's view
// (the leader it accepted and that leader's epoch) and the highest round it has seen, so any
// message, heartbeats included, repairs a stale view (see election_base.hpp, "adoption").
#pragma once

#include <cstdint>
#include <string_view>

#include "synod/wire/codec.hpp"

namespace synod::election {

enum class MsgType : std::uint32_t {
  kHeartbeat = 0,     // failure detection; not counted as an election message
  kElection = 1,      // bully: "I am holding an election", sent to higher ids
  kAnswer = 2,        // bully: "I am alive and higher than you", reply to ELECTION
  kCoordinator = 3,   // bully: "I am the coordinator of `epoch`", sent to lower ids
  kRingElection = 4,  // ring: ELECTION(candidate) travelling clockwise
  kElected = 5,       // ring: ELECTED(leader, epoch) travelling clockwise
};
inline constexpr std::uint32_t kMaxMsgType = 5;

std::string_view msg_type_name(MsgType t);

struct ElectionMessage {
  std::uint32_t type = 0;
  std::uint32_t leader = 0;     // COORDINATOR/ELECTED: the new leader; else the sender's leader
  std::uint64_t epoch = 0;      // that leader's epoch
  std::uint64_t max_round = 0;  // the highest round the sender has seen
  std::uint32_t candidate = 0;  // ring ELECTION: the highest id so far

  static constexpr auto kFields = std::make_tuple(
      wire::field<1>(&ElectionMessage::type), wire::field<2>(&ElectionMessage::leader),
      wire::field<3>(&ElectionMessage::epoch), wire::field<4>(&ElectionMessage::max_round),
      wire::field<5>(&ElectionMessage::candidate));
};

}  // namespace synod::election
