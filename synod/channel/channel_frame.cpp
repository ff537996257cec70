#include "synod/channel/channel_frame.hpp"

#include "synod/core/hash.hpp"

namespace synod::channel {

Bytes seal(const ChannelFrame& frame) {
  Bytes out;
  out.reserve(wire::encoded_size(frame) + kChecksumBytes);
  wire::encode_to(frame, out);
  const std::uint32_t sum = checksum32(out);
  for (std::size_t i = 0; i < kChecksumBytes; ++i)
    out.push_back(static_cast<std::uint8_t>(sum >> (8 * i)));
  return out;
}

Opened open(ByteView bytes, const FrameLimits& limits) {
  Opened r;
  if (bytes.size() < kChecksumBytes) {
    r.error = OpenError::kCorrupt;
    return r;
  }
  const ByteView body = bytes.first(bytes.size() - kChecksumBytes);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kChecksumBytes; ++i) {
    sum |= static_cast<std::uint32_t>(bytes[body.size() + i]) << (8 * i);
  }
  if (sum != checksum32(body)) {
    r.error = OpenError::kCorrupt;
    return r;
  }
  wire::Limits wl;
  wl.max_bytes = limits.max_payload + 2 * limits.max_sack_ranges * 10 + kFrameHeaderMax;
  wl.max_string = limits.max_payload;
  wl.max_repeated = 2 * limits.max_sack_ranges;
  wl.max_depth = 1;
  auto decoded = wire::decode<ChannelFrame>(body, wl);
  if (!decoded) {
    r.error = OpenError::kMalformed;
    return r;
  }
  r.frame = std::move(*decoded);
  return r;
}

Opened open_unchecked(ByteView bytes) {
  Opened r;
  r.error = OpenError::kCorrupt;
  if (bytes.size() < kChecksumBytes) return r;
  const FrameLimits limits;
  wire::Limits wl;
  wl.max_bytes = limits.max_payload + 2 * limits.max_sack_ranges * 10 + kFrameHeaderMax;
  wl.max_string = limits.max_payload;
  wl.max_repeated = 2 * limits.max_sack_ranges;
  wl.max_depth = 1;
  auto decoded = wire::decode<ChannelFrame>(bytes.first(bytes.size() - kChecksumBytes), wl);
  if (!decoded) return r;
  r.error = OpenError::kNone;
  r.frame = std::move(*decoded);
  return r;
}

}  // namespace synod::channel
