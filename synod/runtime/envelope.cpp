#include "synod/runtime/envelope.hpp"

#include "synod/core/assert.hpp"
#include "synod/core/hash.hpp"

namespace synod::runtime {
namespace {

enum Kind : std::uint8_t { kHello = 1, kData = 2, kDatagram = 3 };

void put_u16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8U));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put_u32(Bytes& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16U));
  put_u16(out, static_cast<std::uint16_t>(v));
}

// Bounds-checked big-endian reader.
class Reader {
 public:
  explicit Reader(ByteView b) : b_(b) {}
  bool u8(std::uint8_t& v) {
    if (pos_ + 1 > b_.size()) return false;
    v = b_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (pos_ + 2 > b_.size()) return false;
    v = static_cast<std::uint16_t>((b_[pos_] << 8U) | b_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t hi = 0;
    std::uint16_t lo = 0;
    if (!u16(hi) || !u16(lo)) return false;
    v = (std::uint32_t{hi} << 16U) | lo;
    return true;
  }
  ByteView rest() const { return b_.subspan(pos_); }

 private:
  ByteView b_;
  std::size_t pos_ = 0;
};

}  // namespace

std::uint32_t cluster_hash(const std::string& cluster) { return checksum32(as_bytes(cluster)); }

Bytes encode_hello(const Hello& h) {
  SYNOD_ASSERT(h.cluster.size() <= kMaxClusterNameBytes);
  Bytes out;
  out.push_back(kHello);
  out.push_back(kEnvelopeVersion);
  put_u32(out, h.sender);
  put_u16(out, static_cast<std::uint16_t>(h.cluster.size()));
  out.insert(out.end(), h.cluster.begin(), h.cluster.end());
  return out;
}

Bytes encode_data(ProtocolId protocol, ByteView payload) {
  Bytes out;
  out.reserve(kDataHeaderBytes + payload.size());
  out.push_back(kData);
  put_u16(out, protocol);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes encode_datagram(NodeId sender, std::uint32_t hash, ProtocolId protocol, ByteView payload) {
  Bytes out;
  out.reserve(kDatagramHeaderBytes + payload.size());
  out.push_back(kDatagram);
  out.push_back(kEnvelopeVersion);
  put_u32(out, sender);
  put_u32(out, hash);
  put_u16(out, protocol);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Result<Envelope> decode_envelope(ByteView frame) {
  Reader r(frame);
  std::uint8_t kind = 0;
  if (!r.u8(kind)) return invalid_argument("envelope: empty frame");
  switch (kind) {
    case kHello: {
      Hello h;
      std::uint8_t version = 0;
      std::uint16_t len = 0;
      if (!r.u8(version) || !r.u32(h.sender) || !r.u16(len)) {
        return invalid_argument("envelope: truncated hello");
      }
      if (version != kEnvelopeVersion) {
        return invalid_argument("envelope: unsupported version " + std::to_string(version));
      }
      if (len > kMaxClusterNameBytes || r.rest().size() != len) {
        return invalid_argument("envelope: bad cluster name length " + std::to_string(len));
      }
      h.cluster = to_string(r.rest());
      if (h.sender == kNoNode) return invalid_argument("envelope: hello from node 0");
      return Envelope(std::move(h));
    }
    case kData: {
      DataMsg d;
      if (!r.u16(d.protocol)) return invalid_argument("envelope: truncated data header");
      d.payload = r.rest();
      return Envelope(std::move(d));
    }
    case kDatagram: {
      Datagram d;
      std::uint8_t version = 0;
      if (!r.u8(version) || !r.u32(d.sender) || !r.u32(d.cluster_hash) || !r.u16(d.protocol)) {
        return invalid_argument("envelope: truncated datagram header");
      }
      if (version != kEnvelopeVersion) {
        return invalid_argument("envelope: unsupported version " + std::to_string(version));
      }
      if (d.sender == kNoNode) return invalid_argument("envelope: datagram from node 0");
      d.payload = r.rest();
      return Envelope(std::move(d));
    }
    default: return invalid_argument("envelope: unknown kind " + std::to_string(kind));
  }
}

}  // namespace synod::runtime
