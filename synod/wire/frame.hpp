// Length-prefixed frames on a byte stream (TCP, pipes, files) and in datagrams.
//
// Layout, all integers big-endian:
//   u32 length   payload bytes (not counting this header or the checksum)
//   u8  flags    bit 0: a checksum follows; every other bit must be zero
//   u32 checksum xxhash32 of the payload (synod::checksum32), present only if flags bit 0
//   payload
//
// The decoder is incremental: feed it any chunking of the stream and it yields whole payloads.
// Bad input is an error value, never a crash: a length above the limit is rejected as soon as the
// header arrives (before buffering the body, so a hostile peer cannot make us allocate it), as are
// unknown flag bits and a checksum mismatch. Errors are sticky: a stream that lost framing cannot
// be resynchronised, so the caller must close it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod {

// Limit on one frame's payload; large enough for a Raft snapshot chunk, small enough that a bogus
// length cannot exhaust memory.
inline constexpr std::size_t kDefaultMaxFrameBytes = 16U << 20U;
inline constexpr std::size_t kFrameHeaderBytes = 5;
inline constexpr std::size_t kFrameChecksumBytes = 4;
inline constexpr std::uint8_t kFrameFlagChecksum = 0x01;
inline constexpr std::uint8_t kFrameKnownFlags = kFrameFlagChecksum;

struct FrameOptions {
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;
  bool checksum = true;  // encoder: add a checksum; the decoder accepts both forms
};

// Appends one frame holding `payload` to `out`. The caller must respect the limit (asserted):
// an oversized message is a sender-side decision (drop and count), not a framing error.
void append_frame(Bytes& out, ByteView payload, const FrameOptions& options = {});
Bytes encode_frame(ByteView payload, const FrameOptions& options = {});
// Bytes a frame of `payload_bytes` occupies on the wire.
std::size_t frame_size(std::size_t payload_bytes, bool checksum);

// Decodes exactly one frame occupying all of `datagram` (UDP: one frame per datagram).
Result<Bytes> decode_single_frame(ByteView datagram, std::size_t max_frame_bytes);

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame_bytes = kDefaultMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}

  // Appends received bytes. Cheap; decoding happens in next().
  void feed(ByteView chunk);
  // The next whole payload, std::nullopt if more bytes are needed, or an error (then every later
  // call returns the same error).
  Result<std::optional<Bytes>> next();

  // Bytes received but not yet returned as a frame (a partial frame when nonzero).
  std::size_t buffered() const { return buffer_.size() - start_; }
  bool failed() const { return !error_.is_ok(); }

 private:
  Result<std::optional<Bytes>> fail(Status s);

  std::size_t max_frame_bytes_;
  Bytes buffer_;
  std::size_t start_ = 0;  // consumed prefix of buffer_, compacted lazily
  Status error_;
};

}  // namespace synod
