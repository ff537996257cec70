// One layout for every timer tag, so protocols and the layers stacked around them (channel,
// snapshot) never collide: [layer: 8 bits | kind: 8 bits | value: 48 bits].
//
//   enum class Timer : std::uint8_t { kTick, kLease };
//   ctx.set_timer(d, TimerTag::of(Timer::kLease, epoch).raw());
//   const TimerTag t = TimerTag::from(raw);
//   switch (t.kind<Timer>()) { case Timer::kLease: on_lease(t.value()); ... }
//
// A layer (a Protocol that hosts another one) marks its own timers with its TimerLayer and hands
// every other tag, unchanged, to the protocol inside: a protocol's own tags always have layer 0.
#pragma once

#include <cstdint>
#include <type_traits>

#include "synod/core/assert.hpp"

namespace synod {

enum class TimerLayer : std::uint8_t {
  kProtocol = 0,  // the protocol's own timers
  kChannel = 1,   // synod/channel layers
  kSnapshot = 2,  // synod/snapshot's layer
};

class TimerTag {
 public:
  static constexpr unsigned kValueBits = 48;
  static constexpr std::uint64_t kMaxValue = (std::uint64_t{1} << kValueBits) - 1;

  template <typename Kind>
  requires std::is_enum_v<Kind> &&(sizeof(Kind) == 1) static constexpr TimerTag
      of(Kind kind, std::uint64_t value = 0, TimerLayer layer = TimerLayer::kProtocol) {
    SYNOD_ASSERT(value <= kMaxValue);
    return TimerTag((std::uint64_t{static_cast<std::uint8_t>(layer)} << 56U) |
                    (std::uint64_t{static_cast<std::uint8_t>(kind)} << kValueBits) | value);
  }
  static constexpr TimerTag from(std::uint64_t raw) { return TimerTag(raw); }

  constexpr std::uint64_t raw() const { return raw_; }
  constexpr TimerLayer layer() const { return static_cast<TimerLayer>(raw_ >> 56U); }
  template <typename Kind>
  requires std::is_enum_v<Kind> &&(sizeof(Kind) == 1) constexpr Kind kind() const {
    return static_cast<Kind>((raw_ >> kValueBits) & 0xFFU);
  }
  constexpr std::uint64_t value() const { return raw_ & kMaxValue; }

 private:
  explicit constexpr TimerTag(std::uint64_t raw) : raw_(raw) {}
  std::uint64_t raw_;
};

}  // namespace synod
