// Wire messages of the Berkeley algorithm. One struct for the three textbook messages; `type`
// says which.
//
// `life` and `gen` name the state of the polled clock: a node's life nonce (new at every start)
// and the number of corrections it has applied. A node applies an adjustment only if both still
// match what it reported, because the adjustment was computed against that reading; a clock that
// changed meanwhile (another master's adjustment, a restart) would be moved by a stale amount.
#pragma once

#include <cstdint>

#include "synod/wire/codec.hpp"

namespace synod::timesync {

enum class BerkeleyType : std::uint32_t {
  kPoll = 1,    // master -> all: "what time is it?"
  kReply = 2,   // node -> master: its clock (committed reading) + life/gen
  kAdjust = 3,  // master -> node: the signed amount to add to its clock (not the time)
};

struct BerkeleyMessage {
  std::uint32_t type = 0;
  std::uint64_t round = 0;    // the master's round id (random: unique across its lives)
  std::int64_t value_ns = 0;  // reply: the clock reading; adjust: the adjustment
  std::uint64_t life = 0;
  std::uint64_t gen = 0;
  std::int64_t rtt_ns = 0;     // adjust: the RTT of this node's sample
  std::uint32_t included = 0;  // adjust: 1 if the node's clock was part of the average
  std::int64_t limit_ns = 0;   // adjust: the master's max_deviation

  static constexpr auto kFields = std::make_tuple(
      wire::field<1>(&BerkeleyMessage::type), wire::field<2>(&BerkeleyMessage::round),
      wire::field<3, wire::zigzag>(&BerkeleyMessage::value_ns),
      wire::field<4>(&BerkeleyMessage::life), wire::field<5>(&BerkeleyMessage::gen),
      wire::field<6, wire::zigzag>(&BerkeleyMessage::rtt_ns),
      wire::field<7>(&BerkeleyMessage::included),
      wire::field<8, wire::zigzag>(&BerkeleyMessage::limit_ns));
};

}  // namespace synod::timesync
