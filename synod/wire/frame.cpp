#include "synod/wire/frame.hpp"

#include <string>

#include "synod/core/assert.hpp"
#include "synod/core/hash.hpp"

namespace synod {
namespace {

void put_u32(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24U));
  out.push_back(static_cast<std::uint8_t>(v >> 16U));
  out.push_back(static_cast<std::uint8_t>(v >> 8U));
  out.push_back(static_cast<std::uint8_t>(v));
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24U) | (std::uint32_t{p[1]} << 16U) | (std::uint32_t{p[2]} << 8U) |
         std::uint32_t{p[3]};
}

// Parsed header of a frame starting at `p` with `avail` bytes available.
struct Header {
  std::uint32_t length = 0;
  std::uint8_t flags = 0;
  std::size_t header_bytes = 0;  // 5 or 9
};

// nullopt: need more bytes. Error: bad header.
Result<std::optional<Header>> parse_header(const std::uint8_t* p, std::size_t avail,
                                           std::size_t max_frame_bytes) {
  if (avail < kFrameHeaderBytes) return std::optional<Header>();
  Header h;
  h.length = get_u32(p);
  h.flags = p[4];
  if ((h.flags & ~kFrameKnownFlags) != 0) {
    return invalid_argument("frame: unknown flags 0x" + std::to_string(h.flags));
  }
  if (h.length > max_frame_bytes) {
    return resource_exhausted("frame: length " + std::to_string(h.length) + " exceeds limit " +
                              std::to_string(max_frame_bytes));
  }
  h.header_bytes =
      kFrameHeaderBytes + ((h.flags & kFrameFlagChecksum) != 0 ? kFrameChecksumBytes : 0);
  return std::optional<Header>(h);
}

Status verify(const Header& h, const std::uint8_t* p) {
  if ((h.flags & kFrameFlagChecksum) == 0) return Status::ok();
  const std::uint32_t want = get_u32(p + kFrameHeaderBytes);
  const std::uint32_t got = checksum32(ByteView(p + h.header_bytes, h.length));
  if (want != got) return data_loss("frame: checksum mismatch");
  return Status::ok();
}

}  // namespace

std::size_t frame_size(std::size_t payload_bytes, bool checksum) {
  return kFrameHeaderBytes + (checksum ? kFrameChecksumBytes : 0) + payload_bytes;
}

void append_frame(Bytes& out, ByteView payload, const FrameOptions& options) {
  SYNOD_ASSERT(payload.size() <= options.max_frame_bytes);
  SYNOD_ASSERT(payload.size() <= UINT32_MAX);
  out.reserve(out.size() + frame_size(payload.size(), options.checksum));
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  out.push_back(options.checksum ? kFrameFlagChecksum : 0);
  if (options.checksum) put_u32(out, checksum32(payload));
  out.insert(out.end(), payload.begin(), payload.end());
}

Bytes encode_frame(ByteView payload, const FrameOptions& options) {
  Bytes out;
  append_frame(out, payload, options);
  return out;
}

Result<Bytes> decode_single_frame(ByteView datagram, std::size_t max_frame_bytes) {
  auto h = parse_header(datagram.data(), datagram.size(), max_frame_bytes);
  if (!h) return h.status();
  if (!h->has_value() || datagram.size() < (*h)->header_bytes) {
    return invalid_argument("frame: truncated header");
  }
  const Header& hd = **h;
  if (datagram.size() != hd.header_bytes + hd.length) {
    return invalid_argument("frame: length " + std::to_string(hd.length) + " does not match " +
                            std::to_string(datagram.size() - hd.header_bytes) + " payload bytes");
  }
  SYNOD_RETURN_IF_ERROR(verify(hd, datagram.data()));
  return Bytes(datagram.begin() + static_cast<std::ptrdiff_t>(hd.header_bytes), datagram.end());
}

void FrameDecoder::feed(ByteView chunk) {
  if (failed()) return;  // nothing after a framing error is meaningful
  // Compact when the consumed prefix dominates, so the buffer stays O(max frame + chunk).
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), chunk.begin(), chunk.end());
}

Result<std::optional<Bytes>> FrameDecoder::fail(Status s) {
  error_ = s;
  buffer_.clear();
  start_ = 0;
  return s;
}

Result<std::optional<Bytes>> FrameDecoder::next() {
  if (failed()) return error_;
  const std::uint8_t* p = buffer_.data() + start_;
  const std::size_t avail = buffered();
  auto h = parse_header(p, avail, max_frame_bytes_);
  if (!h) return fail(h.status());
  if (!h->has_value()) return std::optional<Bytes>();
  const Header& hd = **h;
  if (avail < hd.header_bytes + hd.length) return std::optional<Bytes>();
  if (Status s = verify(hd, p); !s.is_ok()) return fail(s);
  Bytes payload(p + hd.header_bytes, p + hd.header_bytes + hd.length);
  start_ += hd.header_bytes + hd.length;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return std::optional<Bytes>(std::move(payload));
}

}  // namespace synod
