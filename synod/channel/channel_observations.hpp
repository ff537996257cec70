// Observation kinds both channels report (ctx.observe), read by channel_checker. All fields are
// int64; session ids (random 64-bit) and payload hashes (hash64) are their bit patterns cast.
//   ch.session    {ss}                          a node life picked session ss
//   ch.send       {peer, seq, ss, ds, hash}     message seq of stream (ss -> ds) entered the
//   channel ch.deliver    {peer, seq, ss, ds, hash}     message seq of stream (ss -> ds) handed to
//   the app
//                                               (peer is the sender there; ds is 0 for best-effort)
//   ch.reset      {peer, old_ds, new_ds, dropped}  the peer restarted; the old stream was abandoned
//   ch.reject     {peer, reason}                an app send was refused (RejectReason)
//   ch.unreachable {peer}                       no acknowledgement for give_up
//   ch.corrupt    {peer}                        a frame failed its checksum and was dropped
#pragma once

#include <cstdint>
#include <string_view>

namespace synod::channel {

inline constexpr std::string_view kObsSession = "ch.session";
inline constexpr std::string_view kObsSend = "ch.send";
inline constexpr std::string_view kObsDeliver = "ch.deliver";
inline constexpr std::string_view kObsReset = "ch.reset";
inline constexpr std::string_view kObsReject = "ch.reject";
inline constexpr std::string_view kObsUnreachable = "ch.unreachable";
inline constexpr std::string_view kObsCorrupt = "ch.corrupt";

enum class RejectReason : std::int64_t {
  kNotWritable = 1,  // window or buffered-bytes limit reached (back-pressure ignored)
  kTooLarge = 2,     // payload above max_payload
  kNotAPeer = 3,     // destination is neither a peer nor this node
};

inline std::int64_t as_field(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace synod::channel
