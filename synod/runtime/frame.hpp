// Length-prefixed frames on a byte stream (TCP, pipes, files) and in datagrams.
//
// Layout, all integers big-endian:
//   u32 length   payload bytes (not counting this header or the checksum)
//   u8  flags    bit 1: a checksum follows, the low 32 bits of XXH3-64 of the payload (written);
//                bit 0: a checksum follows, XXH32 of the payload (synod::checksum32; the first
//                format, still accepted). At most one of them; every other bit must be zero.
//   u32 checksum present only if a checksum bit is set
//   payload
// XXH3 replaced XXH32 because the checksum is computed at both ends of every frame: XXH32 took
// 15% of a 1 MiB RPC round trip, XXH3 (SIMD) runs several times faster.
//
// The decoder is incremental: feed it any chunking of the stream and it yields whole payloads.
// Bad input is an error value, never a crash: a length above the limit is rejected as soon as the
// header arrives (before buffering the body, so a hostile peer cannot make us allocate it), as are
// unknown flag bits and a checksum mismatch. Errors are sticky: a stream that lost framing cannot
// be resynchronised, so the caller must close it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod {

// Limit on one frame's payload; large enough for a Raft snapshot chunk, small enough that a bogus
// length cannot exhaust memory.
inline constexpr std::size_t kDefaultMaxFrameBytes = 16U << 20U;
inline constexpr std::size_t kFrameHeaderBytes = 5;
inline constexpr std::size_t kFrameChecksumBytes = 4;
inline constexpr std::uint8_t kFrameFlagChecksum = 0x01;      // XXH32 (read only)
inline constexpr std::uint8_t kFrameFlagChecksumXxh3 = 0x02;  // XXH3-64, low 32 bits
inline constexpr std::uint8_t kFrameKnownFlags = kFrameFlagChecksum | kFrameFlagChecksumXxh3;
inline constexpr std::size_t kMaxFrameHeaderBytes = kFrameHeaderBytes + kFrameChecksumBytes;

struct FrameOptions {
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;
  bool checksum = true;  // encoder: add a checksum; the decoder accepts both forms
};

// Appends one frame holding `payload` to `out`. The caller must respect the limit (asserted):
// an oversized message is a sender-side decision (drop and count), not a framing error.
void append_frame(Bytes& out, ByteView payload, const FrameOptions& options = {});
Bytes encode_frame(ByteView payload, const FrameOptions& options = {});
// A frame whose payload is `head` followed by `body`'s pieces, returned as the frame header plus
// `head` only: the caller writes it and then the pieces (scatter-gather), so a large body is never
// copied.
Bytes frame_prefix(ByteView head, const ByteChain& body, const FrameOptions& options = {});
// Bytes a frame of `payload_bytes` occupies on the wire.
std::size_t frame_size(std::size_t payload_bytes, bool checksum);

// Decodes exactly one frame occupying all of `datagram` (UDP: one frame per datagram).
Result<Bytes> decode_single_frame(ByteView datagram, std::size_t max_frame_bytes);

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame_bytes = kDefaultMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}

  // Appends received bytes (a copy; see prepare/commit for reading in place).
  void feed(ByteView chunk);
  // Reading in place: space for at least `chunk` bytes (more when the frame being received is
  // larger, so a big frame arrives in few reads), to be filled by the caller, then commit(n).
  std::span<std::uint8_t> prepare(std::size_t chunk);
  void commit(std::size_t n);

  // The next whole payload, std::nullopt if more bytes are needed, or an error (then every later
  // call returns the same error). next_view() returns a view into the decoder's buffer, valid
  // until the next feed() or prepare(); next() copies it out.
  Result<std::optional<ByteView>> next_view();
  Result<std::optional<Bytes>> next();

  // Keeps the buffer the last view points into alive: SharedBytes(owner(), view) may outlive the
  // next read. The decoder then moves to a new buffer instead of overwriting a kept frame, so
  // handing a frame over costs nothing unless it is kept, and then only a new buffer.
  std::shared_ptr<const void> owner() const { return buffer_; }

  // Bytes received but not yet returned as a frame (a partial frame when nonzero).
  std::size_t buffered() const { return end_ - begin_; }
  bool failed() const { return !error_.is_ok(); }

 private:
  Status fail(Status s);
  // Bytes still missing from the frame at the front (0 if its header has not arrived or is bad).
  std::size_t missing() const;

  std::size_t max_frame_bytes_;
  std::shared_ptr<std::uint8_t[]> buffer_;  // not zero-filled: every byte read is first written
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;  // first byte not yet returned
  std::size_t end_ = 0;    // one past the last byte received
  Status error_;
};

}  // namespace synod
