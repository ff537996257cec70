#include "synod/runtime/frame.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
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
  if ((h.flags & ~kFrameKnownFlags) != 0 || h.flags == kFrameKnownFlags) {
    return invalid_argument("frame: bad flags " + std::to_string(h.flags));
  }
  if (h.length > max_frame_bytes) {
    return resource_exhausted("frame: length " + std::to_string(h.length) + " exceeds limit " +
                              std::to_string(max_frame_bytes));
  }
  h.header_bytes = kFrameHeaderBytes + (h.flags != 0 ? kFrameChecksumBytes : 0);
  return std::optional<Header>(h);
}

// The low 32 bits of XXH3-64 over head then the body's pieces.
std::uint32_t xxh3_low32(ByteView head, const ByteChain* body = nullptr) {
  if (body == nullptr || body->empty()) return static_cast<std::uint32_t>(hash64(head));
  Hasher h;
  h.add(head);
  h.add(*body);
  return static_cast<std::uint32_t>(h.digest());
}

Status verify(const Header& h, const std::uint8_t* p) {
  if (h.flags == 0) return Status::ok();
  const std::uint32_t want = get_u32(p + kFrameHeaderBytes);
  const ByteView payload(p + h.header_bytes, h.length);
  const std::uint32_t got =
      h.flags == kFrameFlagChecksum ? checksum32(payload) : xxh3_low32(payload);
  if (want != got) return data_loss("frame: checksum mismatch");
  return Status::ok();
}

}  // namespace

std::size_t frame_size(std::size_t payload_bytes, bool checksum) {
  return kFrameHeaderBytes + (checksum ? kFrameChecksumBytes : 0) + payload_bytes;
}

namespace {

void append_parts(Bytes& out, ByteView head, const ByteChain* body, const FrameOptions& options) {
  const std::size_t length = head.size() + (body == nullptr ? 0 : body->size());
  SYNOD_ASSERT(length <= options.max_frame_bytes);
  SYNOD_ASSERT(length <= UINT32_MAX);
  out.reserve(out.size() + frame_size(head.size(), options.checksum));
  put_u32(out, static_cast<std::uint32_t>(length));
  out.push_back(options.checksum ? kFrameFlagChecksumXxh3 : 0);
  if (options.checksum) put_u32(out, xxh3_low32(head, body));
  out.insert(out.end(), head.begin(), head.end());
}

}  // namespace

void append_frame(Bytes& out, ByteView payload, const FrameOptions& options) {
  append_parts(out, payload, nullptr, options);
}

Bytes frame_prefix(ByteView head, const ByteChain& body, const FrameOptions& options) {
  Bytes out;
  append_parts(out, head, &body, options);
  return out;
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
  if (failed() || chunk.empty()) return;  // nothing after a framing error is meaningful
  auto space = prepare(chunk.size());
  std::memcpy(space.data(), chunk.data(), chunk.size());
  commit(chunk.size());
}

std::size_t FrameDecoder::missing() const {
  auto h = parse_header(buffer_.get() + begin_, buffered(), max_frame_bytes_);
  if (!h || !h->has_value()) return 0;
  const std::size_t total = (*h)->header_bytes + (*h)->length;
  return total > buffered() ? total - buffered() : 0;
}

std::span<std::uint8_t> FrameDecoder::prepare(std::size_t chunk) {
  const std::size_t need = std::max(chunk, missing());
  const bool kept = buffer_.use_count() > 1;
  // A kept frame may have been released by another thread (a sync RPC caller); use_count() is a
  // relaxed read, so order that thread's last reads before our next writes into the buffer.
  std::atomic_thread_fence(std::memory_order_acquire);
  if (kept) {
    // Someone kept a frame (owner()): leave its bytes alone, continue in a new buffer, sized for
    // what comes next rather than like the kept one (which may have grown for a large frame).
    const std::size_t pending = buffered();
    const std::size_t capacity = pending + need;
    auto fresh = std::make_shared_for_overwrite<std::uint8_t[]>(capacity);
    if (pending > 0) std::memcpy(fresh.get(), buffer_.get() + begin_, pending);
    buffer_ = std::move(fresh);
    capacity_ = capacity;
    begin_ = 0;
    end_ = pending;
  }
  if (begin_ == end_) begin_ = end_ = 0;  // nothing pending: start over at the front
  if (capacity_ - end_ < need) {
    // Keep only the pending bytes (a partial frame, small unless it is a large frame's start).
    const std::size_t pending = buffered();
    if (capacity_ - pending < need) {
      const std::size_t capacity = std::max(pending + need, capacity_ * 2);
      auto bigger = std::make_shared_for_overwrite<std::uint8_t[]>(capacity);
      if (pending > 0) std::memcpy(bigger.get(), buffer_.get() + begin_, pending);
      buffer_ = std::move(bigger);
      capacity_ = capacity;
    } else if (pending > 0) {
      std::memmove(buffer_.get(), buffer_.get() + begin_, pending);
    }
    begin_ = 0;
    end_ = pending;
  }
  return {buffer_.get() + end_, capacity_ - end_};
}

void FrameDecoder::commit(std::size_t n) {
  SYNOD_ASSERT(n <= capacity_ - end_);
  end_ += n;
}

Status FrameDecoder::fail(Status s) {
  error_ = s;
  begin_ = end_ = 0;
  return s;
}

Result<std::optional<ByteView>> FrameDecoder::next_view() {
  if (failed()) return error_;
  const std::uint8_t* p = buffer_.get() + begin_;
  const std::size_t avail = buffered();
  auto h = parse_header(p, avail, max_frame_bytes_);
  if (!h) return fail(h.status());
  if (!h->has_value()) return std::optional<ByteView>();
  const Header& hd = **h;
  if (avail < hd.header_bytes + hd.length) return std::optional<ByteView>();
  if (Status s = verify(hd, p); !s.is_ok()) return fail(s);
  begin_ += hd.header_bytes + hd.length;
  return std::optional<ByteView>(ByteView(p + hd.header_bytes, hd.length));
}

Result<std::optional<Bytes>> FrameDecoder::next() {
  auto v = next_view();
  if (!v) return v.status();
  if (!v->has_value()) return std::optional<Bytes>();
  return std::optional<Bytes>(Bytes((*v)->begin(), (*v)->end()));
}

}  // namespace synod
