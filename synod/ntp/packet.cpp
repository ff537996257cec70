#include "synod/ntp/packet.hpp"

#include <algorithm>
#include <cstring>

namespace synod::ntp {
namespace {

void put32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(v >> static_cast<unsigned>(shift)));
  }
}

void put64(Bytes& out, std::uint64_t v) {
  put32(out, static_cast<std::uint32_t>(v >> 32U));
  put32(out, static_cast<std::uint32_t>(v));
}

std::uint32_t get32(ByteView b, std::size_t at) {
  return (static_cast<std::uint32_t>(b[at]) << 24U) |
         (static_cast<std::uint32_t>(b[at + 1]) << 16U) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8U) | static_cast<std::uint32_t>(b[at + 3]);
}

std::uint64_t get64(ByteView b, std::size_t at) {
  return (static_cast<std::uint64_t>(get32(b, at)) << 32U) | get32(b, at + 4);
}

// A trailer of this many bytes is a MAC (or crypto-NAK) rather than an extension field.
bool is_mac_length(std::size_t n) { return n == 0 || n == 4 || n == 20 || n == 24; }

}  // namespace

Bytes encode(const Packet& p) {
  Bytes out;
  out.reserve(kHeaderBytes + 4 + kMaxDigestBytes);
  out.push_back(static_cast<std::uint8_t>((static_cast<unsigned>(p.leap) << 6U) |
                                          ((p.version & 7U) << 3U) |
                                          (static_cast<unsigned>(p.mode) & 7U)));
  out.push_back(p.stratum);
  out.push_back(static_cast<std::uint8_t>(p.poll));
  out.push_back(static_cast<std::uint8_t>(p.precision));
  put32(out, p.root_delay);
  put32(out, p.root_dispersion);
  put32(out, p.reference_id);
  put64(out, p.reference);
  put64(out, p.origin);
  put64(out, p.receive);
  put64(out, p.transmit);
  if (p.mac) {
    put32(out, p.mac->key_id);
    out.insert(out.end(), p.mac->digest.begin(), p.mac->digest.begin() + p.mac->length);
  }
  return out;
}

Result<Packet> decode(ByteView b) {
  if (b.size() < kHeaderBytes) return invalid_argument("ntp: packet shorter than 48 bytes");
  if (b.size() > kMaxPacketBytes) return invalid_argument("ntp: packet longer than 1024 bytes");
  Packet p;
  p.leap = static_cast<Leap>(b[0] >> 6U);
  p.version = static_cast<std::uint8_t>((b[0] >> 3U) & 7U);
  p.mode = static_cast<Mode>(b[0] & 7U);
  if (p.version < 1 || p.version > 4) return invalid_argument("ntp: unsupported version");
  p.stratum = b[1];
  p.poll = static_cast<std::int8_t>(b[2]);
  p.precision = static_cast<std::int8_t>(b[3]);
  p.root_delay = get32(b, 4);
  p.root_dispersion = get32(b, 8);
  p.reference_id = get32(b, 12);
  p.reference = get64(b, 16);
  p.origin = get64(b, 24);
  p.receive = get64(b, 32);
  p.transmit = get64(b, 40);
  // Extension fields (RFC 7822): type(2) length(2) value, length a multiple of 4 and >= 16.
  // Each step consumes at least 16 bytes, so the loop is bounded by the packet size.
  std::size_t at = kHeaderBytes;
  while (!is_mac_length(b.size() - at)) {
    if (p.version != 4 || b.size() - at < 16) return invalid_argument("ntp: bad trailer length");
    const std::size_t len = (static_cast<std::size_t>(b[at + 2]) << 8U) | b[at + 3];
    if (len < 16 || len % 4 != 0 || len > b.size() - at) {
      return invalid_argument("ntp: bad extension field length");
    }
    at += len;
  }
  p.authenticated_bytes = at;
  const std::size_t trailer = b.size() - at;
  if (trailer >= 4) {
    Mac mac;
    mac.key_id = get32(b, at);
    mac.length = static_cast<std::uint8_t>(trailer - 4);
    std::copy(b.begin() + static_cast<std::ptrdiff_t>(at + 4), b.end(), mac.digest.begin());
    p.mac = mac;
  }
  return p;
}

std::uint32_t refid_from_ascii(std::string_view code) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = i < code.size() ? static_cast<std::uint8_t>(code[i]) : std::uint8_t{0};
    v = (v << 8U) | c;
  }
  return v;
}

std::string refid_to_string(std::uint32_t refid, std::uint8_t stratum) {
  if (stratum <= 1) {
    std::string s;
    for (int shift = 24; shift >= 0; shift -= 8) {
      const auto c = static_cast<char>((refid >> static_cast<unsigned>(shift)) & 0xFFU);
      if (c == 0) break;
      s.push_back(c >= 32 && c < 127 ? c : '?');
    }
    return s;
  }
  return std::to_string(refid >> 24U) + "." + std::to_string((refid >> 16U) & 0xFFU) + "." +
         std::to_string((refid >> 8U) & 0xFFU) + "." + std::to_string(refid & 0xFFU);
}

bool is_kiss(const Packet& p) { return p.stratum == 0 && p.mode == Mode::kServer; }

std::string_view mode_name(Mode m) {
  switch (m) {
    case Mode::kReserved: return "reserved";
    case Mode::kSymmetricActive: return "symmetric-active";
    case Mode::kSymmetricPassive: return "symmetric-passive";
    case Mode::kClient: return "client";
    case Mode::kServer: return "server";
    case Mode::kBroadcast: return "broadcast";
    case Mode::kControl: return "control";
    case Mode::kPrivate: return "private";
  }
  return "unknown";
}

}  // namespace synod::ntp
