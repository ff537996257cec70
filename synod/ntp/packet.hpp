// The NTPv4 packet (RFC 5905 section 7.3): a 48-byte header, optional extension fields (skipped)
// and an optional MAC (key id + digest: 16 bytes for MD5 and AES-CMAC, 20 for SHA1), or a 4-byte
// crypto-NAK. Versions 1-4 decode (clients such as ntplib still send v3).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"
#include "synod/ntp/timestamp.hpp"

namespace synod::ntp {

inline constexpr std::size_t kHeaderBytes = 48;
// Anything longer is not NTP we speak (the largest NTS packets are well below this).
inline constexpr std::size_t kMaxPacketBytes = 1024;
inline constexpr std::size_t kMaxDigestBytes = 20;
// Stratum 16 means "unsynchronized" (RFC 5905 section 7.3); 0 means "kiss-o'-death".
inline constexpr std::uint8_t kStratumUnsynchronized = 16;

enum class Mode : std::uint8_t {
  kReserved = 0,
  kSymmetricActive = 1,
  kSymmetricPassive = 2,
  kClient = 3,
  kServer = 4,
  kBroadcast = 5,
  kControl = 6,
  kPrivate = 7,
};

enum class Leap : std::uint8_t { kNone = 0, kInsert = 1, kDelete = 2, kUnsynchronized = 3 };

struct Mac {
  std::uint32_t key_id = 0;
  std::uint8_t length = 0;  // 0 with key_id 0 is a crypto-NAK
  std::array<std::uint8_t, kMaxDigestBytes> digest{};
  friend bool operator==(const Mac&, const Mac&) = default;
};

struct Packet {
  Leap leap = Leap::kNone;
  std::uint8_t version = 4;
  Mode mode = Mode::kClient;
  std::uint8_t stratum = 0;
  std::int8_t poll = 0;               // log2 seconds
  std::int8_t precision = 0;          // log2 seconds
  std::uint32_t root_delay = 0;       // short format
  std::uint32_t root_dispersion = 0;  // short format
  std::uint32_t reference_id = 0;
  Timestamp reference = 0;
  Timestamp origin = 0;
  Timestamp receive = 0;
  Timestamp transmit = 0;
  std::optional<Mac> mac;
  // Bytes covered by the MAC (header + extension fields); set by decode.
  std::size_t authenticated_bytes = kHeaderBytes;

  friend bool operator==(const Packet&, const Packet&) = default;
};

// Encodes the header (and the MAC, if set). The MAC must already be computed over the header.
Bytes encode(const Packet& p);
// Decodes; never reads past `bytes`, rejects anything not shaped as above with a message.
Result<Packet> decode(ByteView bytes);

// Reference ids: four ASCII characters for stratum 0/1 ("GPS", "LOCL", kiss codes) or an IPv4
// address for higher strata.
std::uint32_t refid_from_ascii(std::string_view code);
std::string refid_to_string(std::uint32_t refid, std::uint8_t stratum);

// Kiss-o'-death codes this implementation sends and honours (RFC 5905 section 7.4).
inline constexpr std::string_view kKissCodeRate = "RATE";
inline constexpr std::string_view kKissCodeDeny = "DENY";
inline constexpr std::string_view kKissCodeRstr = "RSTR";
bool is_kiss(const Packet& p);

std::string_view mode_name(Mode m);

}  // namespace synod::ntp
