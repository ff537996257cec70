// Wire message of B-multicast (protobuf wire format via synod/wire).
#pragma once

#include <cstdint>
#include <tuple>

#include "synod/wire/codec.hpp"

namespace synod::multicast {

struct BMulticastMsg {
  std::uint64_t life = 0;  // the sender's life (random per start)
  std::uint64_t seq = 0;   // 1, 2, ... per sender life
  Bytes payload;

  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&BMulticastMsg::life), wire::field<2>(&BMulticastMsg::seq),
                      wire::field<3>(&BMulticastMsg::payload));
};

}  // namespace synod::multicast
