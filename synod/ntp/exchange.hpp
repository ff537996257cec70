// One on-wire exchange (RFC 5905 section 8): the client's T1 (its transmit, echoed back as the
// reply's origin), the server's T2 (receive) and T3 (transmit), and the client's T4 (arrival).
//   offset theta = ((T2 - T1) + (T3 - T4)) / 2     (positive: the server is ahead of us)
//   delay  delta = (T4 - T1) - (T3 - T2)
// and the checks a reply must pass before its timestamps are believed.
#pragma once

#include <cstdint>
#include <string_view>

#include "synod/core/time.hpp"
#include "synod/ntp/packet.hpp"

namespace synod::ntp {

struct Sample {
  Duration offset{0};
  Duration delay{0};
  Duration root_delay{0};       // the server's, from the reply
  Duration root_dispersion{0};  // the server's, from the reply
  std::uint8_t stratum = 0;
  Time at{};  // T4 on the client's (host) clock
};

// T1..T4 as local Times (T2, T3 converted with T1 as the era pivot). Delay is clamped at 0: a
// negative delay only means the server's clock rate differs from ours over a tiny interval.
Sample make_sample(Time t1, Time t2, Time t3, Time t4);

enum class ReplyCheck : std::uint8_t {
  kOk,
  kBadMode,         // not a server (or symmetric passive) reply
  kBogusOrigin,     // origin != our transmit: a duplicate, an old or a forged reply
  kZeroTimestamps,  // receive or transmit zero: the server never read its clock
  kUnsynchronized,  // leap 3 or stratum 16: the server has no time to give
  kKissRate,        // RATE: poll less often
  kKissDeny,        // DENY / RSTR: stop asking this server
  kKissOther,       // other kiss codes are ignored (treated as a bad reply)
};

// `sent` is the transmit timestamp we put in the request; `expect` the reply mode we wait for.
ReplyCheck check_reply(const Packet& reply, Timestamp sent, Mode expect = Mode::kServer);
std::string_view reply_check_name(ReplyCheck c);

// The request a client sends: version 4, mode client, transmit = T1.
Packet client_request(Time t1, std::int8_t poll);

}  // namespace synod::ntp
