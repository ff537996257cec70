// Symmetric-key authentication (RFC 5905 section 7.3, "MAC"): a key id and a digest appended to
// the packet. MD5 and SHA1 are the legacy digest of key || packet, as ntpd, ntpsec and chrony
// compute it; AES-128-CMAC (RFC 8573) is the CMAC of the packet under the key.
//
// Key files: both chrony's and ntpsec's formats are read, line by line:
//   chrony:  ID [TYPE] KEY       TYPE MD5 (default), SHA1, AES128; KEY as HEX:.., ASCII:.. or bare
//   ntpsec:  keyid type key      type M/MD5, SHA1, AES-128 / AES-128-CMAC; key ASCII (<= 20
//                                printable characters) or 40 hex digits
// A bare key longer than 20 characters made only of hex digits is read as hex (ntpsec's rule).
// AES keys are cut or zero-padded to 16 bytes, as ntpsec does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"
#include "synod/ntp/packet.hpp"

namespace synod::ntp {

enum class KeyType : std::uint8_t { kMd5, kSha1, kAes128Cmac };

struct Key {
  std::uint32_t id = 0;
  KeyType type = KeyType::kMd5;
  Bytes secret;
};

// Bound on a key file (lines and key length) so a hostile file cannot exhaust memory.
inline constexpr std::size_t kMaxKeys = 65535;
inline constexpr std::size_t kMaxSecretBytes = 64;

class KeyRing {
 public:
  void add(Key key) { keys_[key.id] = std::move(key); }
  const Key* find(std::uint32_t id) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::map<std::uint32_t, Key> keys_;
};

// Parses a key file's text (either format, mixed allowed). Errors name the line.
Result<KeyRing> parse_key_file(std::string_view text);
std::string_view key_type_name(KeyType t);
std::size_t digest_bytes(KeyType t);

// The MAC over `authenticated` (header and extension fields).
Mac compute_mac(const Key& key, ByteView authenticated);
// Appends a MAC with `key` to `p` (computed over p's header encoding).
void sign(Packet& p, const Key& key);

enum class AuthResult : std::uint8_t { kNone, kOk, kUnknownKey, kBadMac, kCryptoNak };
// Checks `p` (decoded from `raw`) against `keys`.
AuthResult verify(const Packet& p, ByteView raw, const KeyRing& keys);
std::string_view auth_result_name(AuthResult r);

}  // namespace synod::ntp
